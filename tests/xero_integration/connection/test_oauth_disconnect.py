"""Disconnecting: tell Xero (delete the connection, revoke the grant), keep the row as history."""

import datetime
import logging
from urllib.parse import parse_qs

import requests
import responses
from django.conf import settings
from django.utils import timezone

from tests.factories import OutletFactory, XeroConnectionFactory
from xero_integration.connection import oauth
from xero_integration.models import ConnectionStatus, SyncLog

DISCONNECT = "/api/xero/disconnect"
ACCESS = "live-access-token-111"
REFRESH = "live-refresh-token-222"


def connected(merchant, **fields):
    defaults = dict(
        merchant=merchant, access_token=ACCESS, refresh_token=REFRESH, xero_connection_id="conn-1"
    )
    return XeroConnectionFactory.create(**{**defaults, **fields})


def delete_url(connection):
    return f"{settings.XERO_CONNECTIONS_URL}/{connection.xero_connection_id}"


def assert_disconnected(connection):
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.DISCONNECTED
    assert connection.disconnected_at is not None
    assert connection.access_token == connection.refresh_token == ""
    assert not connection.is_merchant_default


def test_disconnect_deletes_the_connection_revokes_the_grant_and_keeps_the_row(merchant):
    connection = connected(merchant)
    with responses.RequestsMock() as rsps:
        delete = rsps.delete(delete_url(connection), status=204)
        revoke = rsps.post(settings.XERO_REVOKE_URL, status=200)
        result = oauth.disconnect(connection=connection)

    assert result.xero_notified and result.problems == []
    assert delete.calls[0].request.headers["Authorization"] == f"Bearer {ACCESS}"
    form = {k: v[0] for k, v in parse_qs(revoke.calls[0].request.body).items()}
    assert form["token"] == REFRESH
    assert revoke.calls[0].request.headers["Authorization"].startswith("Basic ")
    assert_disconnected(connection)
    operations = sorted(SyncLog.objects.values_list("operation", "outcome"))
    assert operations == [("connections.delete", "success"), ("oauth.revoke", "success")]


def test_connection_already_gone_in_xero_still_counts_as_told(merchant):
    connection = connected(merchant)
    with responses.RequestsMock() as rsps:
        rsps.delete(delete_url(connection), status=404, json={"title": "Not Found"})
        rsps.post(settings.XERO_REVOKE_URL, status=200)
        result = oauth.disconnect(connection=connection)

    assert result.xero_notified
    assert_disconnected(connection)


def test_unreachable_xero_still_disconnects_locally_and_records_the_failure(merchant, caplog):
    caplog.set_level(logging.DEBUG)
    connection = connected(merchant)
    with responses.RequestsMock() as rsps:
        rsps.delete(delete_url(connection), body=requests.ConnectionError("no route"))
        result = oauth.disconnect(connection=connection)

    assert not result.xero_notified
    assert result.problems == ["Could not reach Xero (ConnectionError)."]
    assert_disconnected(connection)
    log = SyncLog.objects.get()
    assert (log.operation, log.outcome) == ("connections.delete", "failed")
    assert "Could not reach Xero" in log.error
    assert ACCESS not in caplog.text and REFRESH not in caplog.text


def test_expired_access_token_is_refreshed_before_telling_xero(merchant):
    expired = timezone.now() - datetime.timedelta(minutes=1)
    connection = connected(merchant, access_token_expires_at=expired)
    with responses.RequestsMock() as rsps:
        rsps.post(
            settings.XERO_TOKEN_URL,
            json={
                "access_token": "refreshed-access",
                "refresh_token": "refreshed-refresh",
                "expires_in": 1800,
                "token_type": "Bearer",
            },
        )
        delete = rsps.delete(delete_url(connection), status=204)
        revoke = rsps.post(settings.XERO_REVOKE_URL, status=200)
        oauth.disconnect(connection=connection)

    assert delete.calls[0].request.headers["Authorization"] == "Bearer refreshed-access"
    assert "token=refreshed-refresh" in revoke.calls[0].request.body
    assert_disconnected(connection)


def test_grant_is_not_revoked_while_the_merchant_has_other_connections(merchant):
    # Revocation drops every connection of the Xero user, so it waits for the last one.
    connection = connected(merchant)
    sibling = connected(merchant, is_merchant_default=False, xero_connection_id="conn-2")
    other_grant = connected(
        merchant,
        is_merchant_default=False,
        xero_connection_id="conn-3",
        refresh_token="another-grant",
    )
    with responses.RequestsMock() as rsps:
        rsps.delete(delete_url(connection), status=204)
        # No revocation registered: calling it would fail the test.
        result = oauth.disconnect(connection=connection)

    assert result.xero_notified
    assert_disconnected(connection)
    for row in (sibling, other_grant):
        row.refresh_from_db()
        assert row.status == ConnectionStatus.ACTIVE and row.refresh_token


def test_api_disconnects_the_merchants_default_connection(api, merchant):
    connection = connected(merchant)
    with responses.RequestsMock() as rsps:
        rsps.delete(delete_url(connection), status=204)
        rsps.post(settings.XERO_REVOKE_URL, status=200)
        response = api.post(DISCONNECT, {"merchant_id": merchant.merchant_id}, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "tenant_id": connection.tenant_id,
        "tenant_name": connection.tenant_name,
        "status": "disconnected",
        "xero_notified": True,
        "problems": [],
    }
    assert_disconnected(connection)


def test_api_disconnects_only_the_outlets_own_connection(api, merchant):
    default = connected(merchant)
    franchise = connected(
        merchant,
        is_merchant_default=False,
        xero_connection_id="conn-f",
        refresh_token="franchise-grant",
    )
    OutletFactory.create(merchant=merchant, pos_station_id="S9", xero_connection=franchise)
    with responses.RequestsMock() as rsps:
        rsps.delete(delete_url(franchise), status=204)  # no revocation: the default lives on
        response = api.post(
            DISCONNECT, {"merchant_id": merchant.merchant_id, "pos_station_id": "S9"}, format="json"
        )

    assert response.status_code == 200
    assert_disconnected(franchise)
    default.refresh_from_db()
    assert default.status == ConnectionStatus.ACTIVE and default.is_merchant_default


def test_api_refuses_an_outlet_without_its_own_connection(api, merchant, outlet):
    connected(merchant)

    response = api.post(
        DISCONNECT,
        {"merchant_id": merchant.merchant_id, "pos_station_id": outlet.pos_station_id},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["detail"] == oauth.MSG_OUTLET_NOT_CONNECTED.format(outlet="S1")


def test_api_answers_409_when_nothing_is_connected(api, merchant):
    response = api.post(DISCONNECT, {"merchant_id": merchant.merchant_id}, format="json")

    assert response.status_code == 409
    assert response.json()["detail"] == "Merchant 'M-ALLOWED' has no Xero connection to disconnect."


def test_api_cannot_disconnect_another_merchant(api, other_merchant):
    connection = connected(other_merchant)

    response = api.post(DISCONNECT, {"merchant_id": other_merchant.merchant_id}, format="json")

    assert response.status_code == 404
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE


def test_api_disconnect_needs_an_api_key(anonymous_api, merchant):
    response = anonymous_api.post(DISCONNECT, {"merchant_id": merchant.merchant_id}, format="json")

    assert response.status_code == 401
