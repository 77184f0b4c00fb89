"""The API client admin: keys shown once, stored hashed, revoked for good."""

import re

from django.urls import reverse

from outlets.forms import API_CLIENT_BOTH_SCOPES, API_CLIENT_NO_SCOPE
from outlets.models import ApiClient
from outlets.services import authenticate_api_key, create_api_client, hash_api_key

KEY_PATTERN = re.compile(r"xb_[A-Za-z0-9_-]{20,}")


def test_api_client_changelist_and_change_page_answer(admin_client, merchant):
    client = create_api_client(name="POS platform", merchant_ids=[merchant.merchant_id]).client

    changelist = admin_client.get(reverse("admin:outlets_apiclient_changelist"))
    change = admin_client.get(reverse("admin:outlets_apiclient_change", args=[client.pk]))

    assert changelist.status_code == 200
    assert change.status_code == 200
    assert client.key_prefix.encode() in change.content
    assert client.key_hash.encode() not in change.content


def test_api_client_added_in_admin_shows_its_key_once_and_stores_only_the_hash(
    admin_client, merchant
):
    response = admin_client.post(
        reverse("admin:outlets_apiclient_add"),
        {"name": "POS platform", "merchants": [merchant.pk]},
        follow=True,
    )

    messages = [str(m) for m in response.context["messages"]]
    found = KEY_PATTERN.search(" ".join(messages))
    assert found is not None
    key = found.group()
    assert f"API key for 'POS platform': {key} — copy it now" in messages[0]
    client = ApiClient.objects.get()
    assert client.key_hash == hash_api_key(key)
    assert key.startswith(client.key_prefix)
    assert authenticate_api_key(key) == client
    assert list(client.merchants.all()) == [merchant]
    assert key not in admin_client.get(reverse("admin:outlets_apiclient_changelist")).text


def post_api_client(admin_client, **fields):
    return admin_client.post(
        reverse("admin:outlets_apiclient_add"), {"name": "POS platform", **fields}
    )


def test_api_client_needs_merchants_or_all_merchants(admin_client, merchant):
    response = post_api_client(admin_client)

    assert response.context["adminform"].form.non_field_errors() == [API_CLIENT_NO_SCOPE]
    assert not ApiClient.objects.exists()


def test_api_client_cannot_have_merchants_and_all_merchants(admin_client, merchant):
    response = post_api_client(admin_client, all_merchants="on", merchants=[merchant.pk])

    assert response.context["adminform"].form.non_field_errors() == [API_CLIENT_BOTH_SCOPES]
    assert not ApiClient.objects.exists()


def test_revoke_action_deactivates_keys_and_they_stop_authenticating(admin_client, merchant):
    new_key = create_api_client(name="POS platform", merchant_ids=[merchant.merchant_id])
    untouched = create_api_client(name="Other", all_merchants=True)

    response = admin_client.post(
        reverse("admin:outlets_apiclient_changelist"),
        {"action": "revoke", "_selected_action": [new_key.client.pk]},
        follow=True,
    )

    assert "Revoked 1 API key." in [str(m) for m in response.context["messages"]]
    new_key.client.refresh_from_db()
    assert new_key.client.is_active is False
    assert authenticate_api_key(new_key.key) is None
    assert authenticate_api_key(untouched.key) == untouched.client


def test_staff_who_may_only_view_api_clients_cannot_revoke_keys(client, merchant, viewer):
    new_key = create_api_client(name="POS platform", merchant_ids=[merchant.merchant_id])
    client.force_login(viewer)

    client.post(
        reverse("admin:outlets_apiclient_changelist"),
        {"action": "revoke", "_selected_action": [new_key.client.pk]},
    )

    assert authenticate_api_key(new_key.key) == new_key.client


def test_revoke_is_not_offered_to_staff_who_may_only_view_api_clients(client, merchant, viewer):
    create_api_client(name="POS platform", merchant_ids=[merchant.merchant_id])
    client.force_login(viewer)

    response = client.get(reverse("admin:outlets_apiclient_changelist"))

    assert response.status_code == 200
    assert b'value="revoke"' not in response.content
