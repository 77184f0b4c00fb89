"""Access tokens: handed out while fresh, refreshed near expiry, refresh failures classified."""

import datetime
import json
import logging
from urllib.parse import parse_qs

import pytest
import requests
import responses
from django.conf import settings
from django.utils import timezone

from tests.factories import XeroConnectionFactory
from xero_integration import tasks
from xero_integration.models import ConnectionStatus, SyncLog
from xero_integration.xero import tokens
from xero_integration.xero.errors import AUTH, TRANSIENT, XeroError

OLD_REFRESH = "old-refresh-token-aaa"
NEW_ACCESS = "new-access-token-bbb"
NEW_REFRESH = "new-refresh-token-ccc"


def expiring(merchant, minutes_left=2, **fields):
    defaults = dict(
        merchant=merchant,
        access_token="old-access-token",
        refresh_token=OLD_REFRESH,
        access_token_expires_at=timezone.now() + datetime.timedelta(minutes=minutes_left),
    )
    return XeroConnectionFactory.create(**{**defaults, **fields})


def token_body(access=NEW_ACCESS, refresh=NEW_REFRESH):
    return {
        "access_token": access,
        "refresh_token": refresh,
        "expires_in": 1800,
        "token_type": "Bearer",
        "scope": "offline_access accounting.invoices",
    }


def sent_form(call) -> dict:
    return {k: v[0] for k, v in parse_qs(call.request.body).items()}


@responses.activate
def test_token_with_more_than_five_minutes_left_is_returned_without_calling_xero(merchant):
    connection = expiring(merchant, minutes_left=6)

    assert tokens.fresh_access_token(connection) == "old-access-token"
    assert len(responses.calls) == 0


def test_token_with_less_than_five_minutes_left_is_refreshed_and_rotated(merchant):
    connection = expiring(merchant, minutes_left=4)
    with responses.RequestsMock() as rsps:
        refresh = rsps.post(settings.XERO_TOKEN_URL, json=token_body())
        assert tokens.fresh_access_token(connection) == NEW_ACCESS

    connection.refresh_from_db()
    assert (connection.access_token, connection.refresh_token) == (NEW_ACCESS, NEW_REFRESH)
    assert connection.access_token_expires_at > timezone.now() + datetime.timedelta(minutes=29)
    assert connection.refresh_token_expires_at > timezone.now() + datetime.timedelta(days=59)
    assert connection.last_refreshed_at > timezone.now() - datetime.timedelta(seconds=5)
    form = sent_form(refresh.calls[0])
    assert form == {"grant_type": "refresh_token", "refresh_token": OLD_REFRESH}
    assert refresh.calls[0].request.headers["Authorization"].startswith("Basic ")


def test_refresh_updates_every_row_sharing_the_grant(merchant):
    connection = expiring(merchant)
    sibling = expiring(merchant, is_merchant_default=False)
    unrelated = expiring(merchant, is_merchant_default=False, refresh_token="another-grant")
    with responses.RequestsMock() as rsps:
        rsps.post(settings.XERO_TOKEN_URL, json=token_body())
        tokens.refresh_tokens(connection_id=connection.pk)

    sibling.refresh_from_db()
    unrelated.refresh_from_db()
    assert sibling.refresh_token == NEW_REFRESH and sibling.access_token == NEW_ACCESS
    assert unrelated.refresh_token == "another-grant"


def test_invalid_grant_marks_needs_reconnect_with_the_reason_and_keeps_the_row(merchant):
    connection = expiring(merchant, status_reason="")
    with responses.RequestsMock() as rsps:
        rsps.post(
            settings.XERO_TOKEN_URL,
            status=400,
            json={
                "error": "invalid_grant",
                "error_description": "Token has been expired or revoked.",
            },
        )
        with pytest.raises(XeroError) as raised:
            tokens.fresh_access_token(connection)

    assert raised.value.kind == AUTH
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NEEDS_RECONNECT
    assert connection.status_reason == (
        "Xero refused the refresh token (invalid_grant): the merchant must reconnect. "
        "Token has been expired or revoked."
    )
    assert connection.refresh_token == OLD_REFRESH
    assert SyncLog.objects.get().outcome == SyncLog.Outcome.FAILED


@responses.activate
def test_needs_reconnect_connection_is_refused_without_calling_xero(merchant):
    connection = expiring(merchant, minutes_left=20, status=ConnectionStatus.NEEDS_RECONNECT)

    with pytest.raises(XeroError) as raised:
        tokens.fresh_access_token(connection)

    assert raised.value.kind == AUTH
    assert "must reconnect" in raised.value.message
    assert len(responses.calls) == 0


def test_lost_refresh_is_retried_once_with_the_same_refresh_token(merchant):
    connection = expiring(merchant)
    with responses.RequestsMock() as rsps:
        # Registered twice: responses answers with each in turn.
        first = rsps.post(settings.XERO_TOKEN_URL, body=requests.ConnectionError("reset"))
        second = rsps.post(settings.XERO_TOKEN_URL, json=token_body())
        assert tokens.fresh_access_token(connection) == NEW_ACCESS

    assert sent_form(first.calls[0])["refresh_token"] == OLD_REFRESH
    assert sent_form(second.calls[0])["refresh_token"] == OLD_REFRESH
    attempts = SyncLog.objects.order_by("attempt").values_list("attempt", "outcome")
    assert list(attempts) == [(1, "failed"), (2, "success")]


def test_transient_failure_twice_leaves_the_connection_active_and_raises_transient(merchant):
    connection = expiring(merchant)
    with responses.RequestsMock() as rsps:
        rsps.post(settings.XERO_TOKEN_URL, status=503, body="<h1>Service Unavailable</h1>")
        with pytest.raises(XeroError) as raised:
            tokens.fresh_access_token(connection)
        assert len(rsps.calls) == 2

    assert raised.value.kind == TRANSIENT
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE
    assert connection.refresh_token == OLD_REFRESH


def test_refresh_is_not_retried_after_a_refusal(merchant):
    connection = expiring(merchant)
    with responses.RequestsMock() as rsps:
        rsps.post(settings.XERO_TOKEN_URL, status=401, json={"error": "invalid_client"})
        with pytest.raises(XeroError):
            tokens.fresh_access_token(connection)
        assert len(rsps.calls) == 1

    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE


def test_refresh_idle_connections_refreshes_only_idle_active_ones(merchant, other_merchant):
    old = timezone.now() - datetime.timedelta(days=31)
    idle = expiring(merchant, last_refreshed_at=old)
    never = expiring(other_merchant, last_refreshed_at=None, refresh_token="never-refreshed")
    recent = expiring(
        merchant,
        is_merchant_default=False,
        refresh_token="recent",
        last_refreshed_at=timezone.now() - datetime.timedelta(days=29),
    )
    broken = expiring(
        other_merchant,
        is_merchant_default=False,
        refresh_token="broken",
        last_refreshed_at=old,
        status=ConnectionStatus.NEEDS_RECONNECT,
    )
    with responses.RequestsMock() as rsps:
        refresh = rsps.post(settings.XERO_TOKEN_URL, json=token_body())
        assert tokens.refresh_idle_connections() == 2

    sent = sorted(sent_form(call)["refresh_token"] for call in refresh.calls)
    assert sent == sorted([OLD_REFRESH, "never-refreshed"])
    expected = {idle: NEW_REFRESH, never: NEW_REFRESH, recent: "recent", broken: "broken"}
    for row, refresh_token in expected.items():
        row.refresh_from_db()
        assert row.refresh_token == refresh_token


def test_one_failing_idle_connection_does_not_stop_the_others(merchant, other_merchant):
    old = timezone.now() - datetime.timedelta(days=40)
    failing = expiring(merchant, last_refreshed_at=old, refresh_token="dead-token")
    fine = expiring(other_merchant, last_refreshed_at=old, refresh_token="live-token")

    def answer(request):
        if "dead-token" in request.body:
            return 400, {}, '{"error": "invalid_grant"}'
        return 200, {}, json.dumps(token_body(access="a", refresh="r"))

    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.POST, settings.XERO_TOKEN_URL, callback=answer)
        assert tokens.refresh_idle_connections() == 1

    failing.refresh_from_db()
    fine.refresh_from_db()
    assert failing.status == ConnectionStatus.NEEDS_RECONNECT
    assert fine.refresh_token == "r"


def test_idle_refresh_task_run_twice_refreshes_once(merchant):
    expiring(merchant, last_refreshed_at=timezone.now() - datetime.timedelta(days=31))
    with responses.RequestsMock() as rsps:
        refresh = rsps.post(settings.XERO_TOKEN_URL, json=token_body())
        assert tasks.refresh_idle_connections_task() == 1
        assert tasks.refresh_idle_connections_task() == 0

    assert len(refresh.calls) == 1


def test_refresh_logs_hold_no_tokens_or_secret(merchant, caplog):
    caplog.set_level(logging.DEBUG)
    connection = expiring(merchant)
    with responses.RequestsMock() as rsps:
        rsps.post(settings.XERO_TOKEN_URL, status=502, body=f"upstream echoed {OLD_REFRESH}")
        rsps.post(settings.XERO_TOKEN_URL, json=token_body())
        tokens.fresh_access_token(connection)

    rows = SyncLog.objects.all()
    assert [r.operation for r in rows] == ["oauth.refresh", "oauth.refresh"]
    assert all(r.connection_id == connection.pk and r.merchant_id == merchant.pk for r in rows)
    secrets = [
        OLD_REFRESH,
        NEW_REFRESH,
        NEW_ACCESS,
        "old-access-token",
        settings.XERO_CLIENT_SECRET,
    ]
    for row in rows:
        text = " ".join(str(getattr(row, f.attname)) for f in SyncLog._meta.concrete_fields)
        assert not any(secret in text for secret in secrets), text
    assert not any(secret in caplog.text for secret in secrets)


def test_refresh_times_out_quickly_because_it_runs_under_the_lock(merchant):
    connection = expiring(merchant)
    with responses.RequestsMock() as rsps:
        refresh = rsps.post(settings.XERO_TOKEN_URL, body=requests.ReadTimeout("slow"))
        with pytest.raises(XeroError) as raised:
            tokens.fresh_access_token(connection)

    assert raised.value.kind == TRANSIENT
    assert raised.value.message == "Xero did not answer within 6.0 seconds."
    assert len(refresh.calls) == 2  # the one retry, with the same token
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE
