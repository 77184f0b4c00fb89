"""Starting an authorisation: the POS endpoint and the admin's connect button."""

import hashlib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from xero_integration.models import OAuthState

CONNECT_URL = "/api/xero/connect"


def query_of(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_connect_answers_xero_authorize_url_with_every_parameter(api, merchant):
    response = api.get(CONNECT_URL, {"merchant_id": merchant.merchant_id})

    assert response.status_code == 200
    url = response.json()["authorize_url"]
    assert url.startswith(settings.XERO_AUTHORIZE_URL + "?")
    query = query_of(url)
    assert query["response_type"] == "code"
    assert query["client_id"] == settings.XERO_CLIENT_ID
    assert query["redirect_uri"] == settings.XERO_REDIRECT_URI
    assert query["scope"] == " ".join(settings.XERO_SCOPES)
    assert len(query["state"]) >= 43


def test_state_is_stored_only_as_its_hash_bound_to_the_merchant(api, merchant):
    response = api.get(CONNECT_URL, {"merchant_id": merchant.merchant_id})
    state = query_of(response.json()["authorize_url"])["state"]

    pending = OAuthState.objects.get()
    assert pending.state_hash == hashlib.sha256(state.encode()).hexdigest()
    assert pending.merchant == merchant
    assert pending.used_at is None
    assert 590 <= (pending.expires_at - pending.created_at).total_seconds() <= 600


def test_allowed_return_url_is_kept_with_the_state(api, merchant):
    response = api.get(
        CONNECT_URL,
        {"merchant_id": merchant.merchant_id, "return_url": "http://localhost:3000/done"},
    )

    assert response.status_code == 200
    assert OAuthState.objects.get().return_url == "http://localhost:3000/done"


@pytest.mark.parametrize(
    "return_url", ["https://evil.example.com/x", "javascript:alert(1)", "ftp://localhost/x"]
)
def test_return_url_outside_allowed_hosts_is_rejected_naming_return_url(api, merchant, return_url):
    response = api.get(CONNECT_URL, {"merchant_id": merchant.merchant_id, "return_url": return_url})

    assert response.status_code == 400
    assert "return_url" in response.json()["fields"]
    assert "return_url" in response.json()["detail"]
    assert not OAuthState.objects.exists()


def test_missing_merchant_id_is_a_400_naming_the_field(api, merchant):
    response = api.get(CONNECT_URL)

    assert response.status_code == 400
    assert "merchant_id" in response.json()["fields"]


def test_merchant_outside_the_keys_scope_is_not_found(api, other_merchant):
    response = api.get(CONNECT_URL, {"merchant_id": other_merchant.merchant_id})

    assert response.status_code == 404
    assert not OAuthState.objects.exists()


def test_connect_without_api_key_is_unauthorised(anonymous_api, merchant):
    response = anonymous_api.get(CONNECT_URL, {"merchant_id": merchant.merchant_id})

    assert response.status_code == 401


def connect_url(merchant) -> str:
    return f"/xero/connect/{merchant.pk}"


def test_admin_connect_redirects_staff_who_may_change_connections_to_xero(
    client, merchant, staff_user
):
    client.force_login(staff_user("xero_integration.change_xeroconnection"))

    response = client.post(connect_url(merchant))

    assert response.status_code == 302
    assert response["Location"].startswith(settings.XERO_AUTHORIZE_URL)
    pending = OAuthState.objects.get()
    assert pending.merchant == merchant
    assert pending.return_url == ""


def test_admin_connect_is_refused_to_staff_who_may_not_change_connections(client, merchant, viewer):
    client.force_login(viewer)

    response = client.post(connect_url(merchant))

    assert response.status_code == 403
    assert not OAuthState.objects.exists()


def test_admin_connect_is_refused_as_a_link(admin_client, merchant):
    # A GET could be started by a link or an image on another site.
    response = admin_client.get(connect_url(merchant))

    assert response.status_code == 405
    assert not OAuthState.objects.exists()


def test_admin_connect_without_the_csrf_token_is_refused(merchant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_superuser("admin", password="pw"))

    response = client.post(connect_url(merchant))

    assert response.status_code == 403
    assert not OAuthState.objects.exists()


def test_admin_connect_sends_non_staff_to_the_admin_login(client, merchant):
    client.force_login(User.objects.create_user("someone", password="pw"))

    response = client.post(connect_url(merchant))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not OAuthState.objects.exists()


def test_merchant_admin_page_offers_connect_as_a_form_with_its_csrf_token(merchant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_superuser("admin", password="pw"))
    page = client.get(f"/admin/outlets/merchant/{merchant.pk}/change/")
    form = re.search(
        r'<form method="post" action="/xero/connect/\d+" class="object-tool-form connect-xero">\s*'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"',
        page.text,
    )
    assert form is not None

    response = client.post(connect_url(merchant), {"csrfmiddlewaretoken": form.group(1)})

    assert response.status_code == 302
    assert response["Location"].startswith(settings.XERO_AUTHORIZE_URL)


def test_merchant_admin_page_hides_connect_from_staff_who_may_not_use_it(client, merchant, viewer):
    client.force_login(viewer)

    response = client.get(f"/admin/outlets/merchant/{merchant.pk}/change/")

    assert response.status_code == 200
    assert b'action="/xero/connect/' not in response.content
