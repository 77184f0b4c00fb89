"""The whole identity flow over real HTTP against the sandbox Xero: connect, refresh, disconnect."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.sandbox_helpers import sandbox_for
from xero_integration.connection import oauth
from xero_integration.models import ConnectionStatus, XeroConnection
from xero_integration.xero import tokens


@pytest.fixture
def sandbox(settings):
    with sandbox_for(settings, orgs_per_authorisation=2) as base:
        yield base


def authorise_in_browser(client, merchant):
    """What the merchant's browser does: follow the authorise URL, land on our callback."""
    authorize_url = oauth.start_authorisation(merchant=merchant, return_url="http://localhost/done")
    reply = requests.get(authorize_url, allow_redirects=False, timeout=10)
    assert reply.status_code == 302, reply.text
    query = {k: v[0] for k, v in parse_qs(urlsplit(reply.headers["Location"]).query).items()}
    return client.get("/xero/callback", query)


def test_connect_refresh_and_disconnect_against_the_sandbox(sandbox, client, merchant):
    response = authorise_in_browser(client, merchant)
    assert response.status_code == 302
    assert response["Location"] == "http://localhost/done?status=connected"
    default, other = XeroConnection.objects.order_by("-is_merchant_default", "pk")
    assert default.is_merchant_default and not other.is_merchant_default

    XeroConnection.objects.update(access_token_expires_at=None)  # force a refresh
    default.refresh_from_db()
    new_access = tokens.fresh_access_token(default)
    other.refresh_from_db()
    assert other.access_token == new_access  # one grant, refreshed on every row together

    result = oauth.disconnect(connection=other)
    assert result.xero_notified
    connections = requests.get(
        f"{sandbox}/connections", timeout=10, headers={"Authorization": f"Bearer {new_access}"}
    ).json()
    assert [c["tenantId"] for c in connections] == [default.tenant_id]
    default.refresh_from_db()
    assert default.status == ConnectionStatus.ACTIVE
