"""Xero's redirect back to us: state checks first, then the code exchange and the tenants."""

import base64
import datetime
import json
import logging
from urllib.parse import parse_qs, urlsplit

import responses
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection as db
from django.utils import timezone
from responses import matchers

from tests.factories import OutletFactory, XeroConnectionFactory
from xero_integration.connection import oauth
from xero_integration.models import ConnectionStatus, OAuthState, SyncLog, XeroConnection

CALLBACK = "/xero/callback"
RETURN_URL = "http://localhost:3000/pos/xero-done"
CODE = "the-authorisation-code-123"
REFRESH = "refresh-token-from-exchange-456"
TENANT_A = {
    "id": "conn-a",
    "tenantId": "tenant-a",
    "tenantName": "Cafe Pty Ltd",
    "authEventId": "evt-1",
}
TENANT_B = {
    "id": "conn-b",
    "tenantId": "tenant-b",
    "tenantName": "Cafe Trust",
    "authEventId": "evt-1",
}


def jwt(claims: dict) -> str:
    """A JWT-shaped token; only the payload matters to us (we never verify it)."""

    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256'})}.{part(claims)}.signature"


ACCESS = jwt({"authentication_event_id": "evt-1", "xero_userid": "user-1"})


def token_body(access=ACCESS, refresh=REFRESH):
    return {
        "access_token": access,
        "refresh_token": refresh,
        "expires_in": 1800,
        "token_type": "Bearer",
        "scope": "offline_access accounting.invoices",
    }


def start(merchant, return_url=RETURN_URL) -> str:
    url = oauth.start_authorisation(merchant=merchant, return_url=return_url)
    return parse_qs(urlsplit(url).query)["state"][0]


def mock_xero(rsps, tenants=(TENANT_A,), access=ACCESS, event_id="evt-1"):
    token = rsps.post(settings.XERO_TOKEN_URL, json=token_body(access=access))
    query = [matchers.query_param_matcher({"authEventId": event_id})] if event_id else []
    listing = rsps.get(settings.XERO_CONNECTIONS_URL, json=list(tenants), match=query)
    return token, listing


def test_happy_callback_stores_the_connection_and_redirects_to_return_url(client, merchant):
    state = start(merchant)
    with responses.RequestsMock() as rsps:
        token, listing = mock_xero(rsps)
        response = client.get(CALLBACK, {"code": CODE, "state": state})

    assert response.status_code == 302
    assert response["Location"] == RETURN_URL + "?status=connected"
    row = XeroConnection.objects.get()
    assert (row.merchant, row.tenant_id, row.tenant_name) == (merchant, "tenant-a", "Cafe Pty Ltd")
    assert (row.xero_connection_id, row.auth_event_id) == ("conn-a", "evt-1")
    assert row.is_merchant_default and row.status == ConnectionStatus.ACTIVE
    assert (row.access_token, row.refresh_token) == (ACCESS, REFRESH)
    assert row.scopes == "offline_access accounting.invoices"
    now = timezone.now()
    assert row.access_token_expires_at and row.refresh_token_expires_at
    assert abs((row.access_token_expires_at - now).total_seconds() - 1800) < 60
    refresh_life = row.refresh_token_expires_at - now
    assert abs(refresh_life - datetime.timedelta(days=60)).total_seconds() < 60
    assert row.last_refreshed_at is not None
    sent = token.calls[0].request
    assert "grant_type=authorization_code" in sent.body and f"code={CODE}" in sent.body
    assert sent.headers["Authorization"].startswith("Basic ")
    assert "client_secret" not in sent.body
    assert listing.calls[0].request.headers["Authorization"] == f"Bearer {ACCESS}"


def test_tokens_are_encrypted_in_the_database(client, merchant):
    state = start(merchant)
    with responses.RequestsMock() as rsps:
        mock_xero(rsps)
        client.get(CALLBACK, {"code": CODE, "state": state})

    with db.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM xero_integration_xeroconnection")
        raw_access, raw_refresh = (bytes(v) for v in cursor.fetchone())
    assert ACCESS.encode() not in raw_access
    assert REFRESH.encode() not in raw_refresh


def test_connection_is_created_for_the_merchant_of_the_state(client, merchant, other_merchant):
    state = start(other_merchant)
    with responses.RequestsMock() as rsps:
        mock_xero(rsps)
        client.get(CALLBACK, {"code": CODE, "state": state})

    assert XeroConnection.objects.get().merchant == other_merchant
    assert not merchant.xero_connections.exists()


def test_without_return_url_the_merchant_sees_which_organisation_is_connected(client, merchant):
    state = start(merchant, return_url="")
    with responses.RequestsMock() as rsps:
        mock_xero(rsps)
        response = client.get(CALLBACK, {"code": CODE, "state": state})

    assert response.status_code == 200
    assert b"<h1>Connected to Cafe Pty Ltd</h1>" in response.content


def test_staff_connecting_from_the_admin_go_back_to_the_setup_page_with_a_message(
    admin_client, merchant
):
    state = start(merchant, return_url="")
    with responses.RequestsMock() as rsps:
        mock_xero(rsps)
        response = admin_client.get(CALLBACK, {"code": CODE, "state": state}, follow=True)

    assert response.redirect_chain[0][0] == f"/admin/outlets/merchant/{merchant.pk}/setup/"
    shown = [str(m) for m in response.context["messages"]]
    assert shown[0].startswith(f"{merchant.name} is connected to Xero (Cafe Pty Ltd).")


def test_a_pos_learns_the_person_said_no_from_its_return_url(client, merchant):
    state = start(merchant, return_url=RETURN_URL + "?session=42")
    with responses.RequestsMock():
        response = client.get(CALLBACK, {"error": "access_denied", "state": state})

    assert response["Location"] == RETURN_URL + "?session=42&status=denied"
    assert not XeroConnection.objects.exists()


def test_a_pos_learns_the_connection_failed_from_its_return_url(client, merchant):
    state = start(merchant)
    with responses.RequestsMock() as rsps:
        rsps.post(settings.XERO_TOKEN_URL, status=400, json={"error": "invalid_grant"})
        response = client.get(CALLBACK, {"code": CODE, "state": state})

    assert response["Location"] == RETURN_URL + "?status=error"


@responses.activate
def test_unknown_state_is_rejected_and_nothing_changes(client, merchant):
    start(merchant)

    response = client.get(CALLBACK, {"code": CODE, "state": "not-a-state-we-issued"})

    assert response.status_code == 400
    assert oauth.MSG_STATE_UNKNOWN.encode() in response.content
    assert not XeroConnection.objects.exists()
    assert OAuthState.objects.get().used_at is None
    assert len(responses.calls) == 0


def test_reused_state_is_rejected_and_the_code_exchanged_only_once(client, merchant):
    state = start(merchant)
    with responses.RequestsMock() as rsps:
        token, _ = mock_xero(rsps)
        first = client.get(CALLBACK, {"code": CODE, "state": state})
        second = client.get(CALLBACK, {"code": CODE, "state": state})

    assert first.status_code == 302
    assert second.status_code == 400
    assert oauth.MSG_STATE_USED.encode() in second.content
    assert len(token.calls) == 1
    assert XeroConnection.objects.count() == 1


@responses.activate
def test_expired_state_is_rejected_and_nothing_changes(client, merchant):
    state = start(merchant)
    OAuthState.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get(CALLBACK, {"code": CODE, "state": state})

    assert response.status_code == 400
    assert oauth.MSG_STATE_EXPIRED.encode() in response.content
    assert OAuthState.objects.get().used_at is None
    assert not XeroConnection.objects.exists()
    assert len(responses.calls) == 0


@responses.activate
def test_missing_state_is_rejected(client, merchant):
    response = client.get(CALLBACK, {"code": CODE})

    assert response.status_code == 400
    assert oauth.MSG_STATE_MISSING.encode() in response.content


@responses.activate
def test_access_denied_shows_an_error_page_and_consumes_the_state(client, merchant):
    state = start(merchant, return_url="")

    response = client.get(CALLBACK, {"error": "access_denied", "state": state})

    assert response.status_code == 400
    assert b"Xero access was not granted: access_denied" in response.content
    assert OAuthState.objects.get().used_at is not None
    assert not XeroConnection.objects.exists()
    assert len(responses.calls) == 0


def test_refused_code_shows_xeros_reason_and_stores_nothing(client, merchant):
    state = start(merchant, return_url="")
    with responses.RequestsMock() as rsps:
        rsps.post(settings.XERO_TOKEN_URL, status=400, json={"error": "invalid_grant"})
        response = client.get(CALLBACK, {"code": CODE, "state": state})

    assert response.status_code == 400
    assert b"Xero did not complete the connection" in response.content
    assert b"invalid_grant" in response.content
    assert not XeroConnection.objects.exists()


def test_several_tenants_first_becomes_default_and_the_others_are_kept(client, merchant):
    state = start(merchant)
    with responses.RequestsMock() as rsps:
        mock_xero(rsps, tenants=[TENANT_A, TENANT_B])
        client.get(CALLBACK, {"code": CODE, "state": state})

    rows = {r.tenant_id: r for r in XeroConnection.objects.all()}
    assert rows["tenant-a"].is_merchant_default
    assert not rows["tenant-b"].is_merchant_default
    assert rows["tenant-b"].status == ConnectionStatus.ACTIVE
    # One grant, one token set: both rows hold it.
    assert rows["tenant-b"].refresh_token == rows["tenant-a"].refresh_token == REFRESH
    assert list(oauth.unbound_connections(merchant=merchant)) == [rows["tenant-b"]]


def test_admin_page_points_out_authorised_but_unused_organisations(client, merchant):
    state = start(merchant)
    with responses.RequestsMock() as rsps:
        mock_xero(rsps, tenants=[TENANT_A, TENANT_B])
        client.get(CALLBACK, {"code": CODE, "state": state})
    client.force_login(User.objects.create_superuser("admin", password="pw"))

    page = client.get(f"/admin/outlets/merchant/{merchant.pk}/change/").content.decode()

    assert "Cafe Trust (active):" in page
    assert "authorised but not used yet" in page


def test_without_an_auth_event_claim_every_listed_tenant_is_stored(client, merchant):
    state = start(merchant)
    with responses.RequestsMock() as rsps:
        mock_xero(rsps, tenants=[TENANT_A, TENANT_B], access="opaque-access-token", event_id=None)
        client.get(CALLBACK, {"code": CODE, "state": state})

    assert XeroConnection.objects.count() == 2


def test_reconnecting_a_tenant_updates_its_row_instead_of_duplicating(client, merchant):
    old = XeroConnectionFactory.create(
        merchant=merchant,
        tenant_id="tenant-a",
        status=ConnectionStatus.NEEDS_RECONNECT,
        status_reason="Xero refused the refresh token",
        access_token="old",
        refresh_token="old-r",
    )
    state = start(merchant)
    with responses.RequestsMock() as rsps:
        mock_xero(rsps)
        client.get(CALLBACK, {"code": CODE, "state": state})

    row = XeroConnection.objects.get()
    assert row.pk == old.pk
    assert row.status == ConnectionStatus.ACTIVE and row.status_reason == ""
    assert row.refresh_token == REFRESH and row.is_merchant_default


def test_a_new_tenant_takes_the_default_from_one_that_needs_reconnecting(client, merchant):
    broken = XeroConnectionFactory.create(
        merchant=merchant, tenant_id="tenant-x", status=ConnectionStatus.NEEDS_RECONNECT
    )
    state = start(merchant)
    with responses.RequestsMock() as rsps:
        mock_xero(rsps)
        client.get(CALLBACK, {"code": CODE, "state": state})

    broken.refresh_from_db()
    assert not broken.is_merchant_default
    assert XeroConnection.objects.get(tenant_id="tenant-a").is_merchant_default


def test_an_active_default_stays_default_when_another_tenant_is_added(client, merchant):
    existing = XeroConnectionFactory.create(merchant=merchant, tenant_id="tenant-x")
    state = start(merchant)
    with responses.RequestsMock() as rsps:
        mock_xero(rsps)
        client.get(CALLBACK, {"code": CODE, "state": state})

    existing.refresh_from_db()
    assert existing.is_merchant_default
    assert not XeroConnection.objects.get(tenant_id="tenant-a").is_merchant_default


def test_make_default_connection_moves_the_flag(merchant):
    first = XeroConnectionFactory.create(merchant=merchant, is_merchant_default=True)
    second = XeroConnectionFactory.create(merchant=merchant, is_merchant_default=False)

    oauth.make_default_connection(connection=second)

    first.refresh_from_db()
    second.refresh_from_db()
    assert second.is_merchant_default and not first.is_merchant_default


def test_another_tenant_can_be_bound_to_an_outlet(merchant):
    XeroConnectionFactory.create(merchant=merchant, is_merchant_default=True)
    franchise = XeroConnectionFactory.create(merchant=merchant, is_merchant_default=False)
    outlet = OutletFactory.create(merchant=merchant)

    oauth.bind_outlet_connection(outlet=outlet, connection=franchise)

    outlet.refresh_from_db()
    assert outlet.xero_connection == franchise
    assert not oauth.unbound_connections(merchant=merchant).exists()


def test_identity_calls_leave_sync_logs_without_tokens_or_code(client, merchant, caplog):
    caplog.set_level(logging.DEBUG)
    state = start(merchant)
    with responses.RequestsMock() as rsps:
        mock_xero(rsps)
        client.get(CALLBACK, {"code": CODE, "state": state})

    logs = {log.operation: log for log in SyncLog.objects.all()}
    assert set(logs) == {"oauth.token_exchange", "connections.list"}
    for log in logs.values():
        assert log.merchant == merchant and log.outcome == SyncLog.Outcome.SUCCESS
        assert log.http_status == 200 and log.duration_ms is not None
        assert len(log.correlation_id) == 32
    assert_no_secrets([ACCESS, REFRESH, CODE, state, settings.XERO_CLIENT_SECRET], caplog.text)


def test_failed_exchange_is_logged_with_xeros_error_but_not_the_code(client, merchant, caplog):
    caplog.set_level(logging.DEBUG)
    state = start(merchant)
    with responses.RequestsMock() as rsps:
        rsps.post(settings.XERO_TOKEN_URL, status=401, json={"error": "invalid_client"})
        client.get(CALLBACK, {"code": CODE, "state": state})

    log = SyncLog.objects.get()
    assert (log.operation, log.outcome, log.http_status) == ("oauth.token_exchange", "failed", 401)
    assert "invalid_client" in log.error
    assert_no_secrets([CODE, state, settings.XERO_CLIENT_SECRET], caplog.text)


def assert_no_secrets(secrets, log_text):
    for log in SyncLog.objects.all():
        text = " ".join(str(getattr(log, f.attname)) for f in SyncLog._meta.concrete_fields)
        for secret in secrets:
            assert secret not in text, f"{log.operation} row holds a secret"
    for secret in secrets:
        assert secret not in log_text


def test_token_without_refresh_token_asks_for_offline_access(client, merchant):
    state = start(merchant, return_url="")
    with responses.RequestsMock() as rsps:
        rsps.post(
            settings.XERO_TOKEN_URL,
            json={"access_token": ACCESS, "expires_in": 1800, "token_type": "Bearer"},
        )
        response = client.get(CALLBACK, {"code": CODE, "state": state})

    assert response.status_code == 400
    assert b"offline_access" in response.content
    assert not XeroConnection.objects.exists()
