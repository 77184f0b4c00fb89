"""Identity calls (token, revocation, connections) go through send(): one row per attempt, no secrets.

Only Xero is mocked (with `responses`).
"""

import logging
from urllib.parse import parse_qs

import pytest
import requests
import responses
from django.conf import settings

from tests.factories import XeroConnectionFactory
from xero_integration.models import SyncLog
from xero_integration.xero import identity, transport
from xero_integration.xero.errors import AUTH, PERMANENT, TRANSIENT, InvalidGrant, XeroError

CODE = "auth-code-7f3a"
REFRESH = "refresh-token-9c1d"
ACCESS = "access-token-2b8e"


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(transport, "sleep", lambda seconds: None)


@pytest.fixture
def connection(merchant):
    return XeroConnectionFactory.create(
        merchant=merchant, access_token=ACCESS, refresh_token=REFRESH, xero_connection_id="c-1"
    )


def token_body(**fields):
    body = {"access_token": ACCESS, "refresh_token": "r2", "expires_in": 1800, "scope": "a b"}
    return {**body, **fields}


def form(call) -> dict:
    return {k: v[0] for k, v in parse_qs(call.request.body).items()}


def row_text(row: SyncLog) -> str:
    return " ".join(str(getattr(row, f.attname)) for f in SyncLog._meta.concrete_fields)


def test_a_failing_refresh_leaves_one_row_per_attempt_without_secrets(connection, caplog):
    caplog.set_level(logging.DEBUG)
    echo = f"upstream saw refresh_token={REFRESH}"
    with responses.RequestsMock() as rsps:
        rsps.post(settings.XERO_TOKEN_URL, status=503, body=echo)
        with pytest.raises(XeroError) as raised:
            identity.refresh(refresh_token=REFRESH, connection=connection)

    rows = list(SyncLog.objects.order_by("attempt"))
    assert [(r.operation, r.attempt, r.outcome) for r in rows] == [
        ("oauth.refresh", 1, "failed"),
        ("oauth.refresh", 2, "failed"),
    ]
    assert rows[0].correlation_id == rows[1].correlation_id
    for secret in (REFRESH, settings.XERO_CLIENT_SECRET):
        assert not any(secret in row_text(r) for r in rows), secret
        assert secret not in raised.value.message
        assert secret not in caplog.text
    assert "[redacted]" in rows[0].error


def test_a_refused_code_leaves_one_row_without_the_code_or_the_secret(merchant, caplog):
    caplog.set_level(logging.DEBUG)
    refusal = {"error": "invalid_grant", "error_description": f"code {CODE} was used"}
    with responses.RequestsMock() as rsps:
        rsps.post(settings.XERO_TOKEN_URL, status=400, json=refusal)
        with pytest.raises(InvalidGrant) as raised:
            identity.exchange_code(code=CODE, merchant=merchant)

    row = SyncLog.objects.get()
    assert (row.operation, row.outcome, row.http_status) == ("oauth.token_exchange", "failed", 400)
    for secret in (CODE, settings.XERO_CLIENT_SECRET):
        assert secret not in row_text(row)
        assert secret not in raised.value.message and secret not in raised.value.description
        assert secret not in caplog.text
    assert raised.value.kind == AUTH


def test_a_code_exchange_is_never_sent_twice(merchant):
    with responses.RequestsMock() as rsps:
        token = rsps.post(settings.XERO_TOKEN_URL, status=503, body="busy")
        with pytest.raises(XeroError) as raised:
            identity.exchange_code(code=CODE, merchant=merchant)

    assert len(token.calls) == 1
    assert raised.value.kind == TRANSIENT


def test_a_refresh_that_times_out_is_retried_once_with_the_same_token(connection):
    with responses.RequestsMock() as rsps:
        slow = rsps.post(settings.XERO_TOKEN_URL, body=requests.ReadTimeout("slow"))
        answer = rsps.post(settings.XERO_TOKEN_URL, json=token_body())
        tokens = identity.refresh(refresh_token=REFRESH, connection=connection)

    assert tokens.access_token == ACCESS
    assert (
        form(slow.calls[0])
        == form(answer.calls[0])
        == {
            "grant_type": "refresh_token",
            "refresh_token": REFRESH,
        }
    )
    attempts = SyncLog.objects.order_by("attempt").values_list("attempt", "outcome", "error")
    assert list(attempts) == [
        (1, "failed", "Xero did not answer within 6.0 seconds."),
        (2, "success", ""),
    ]


def test_the_refresh_timeout_is_what_requests_receives_capped_by_the_setting(connection, settings):
    settings.XERO_TIMEOUT_SECONDS = 4.0
    with responses.RequestsMock() as rsps:
        token = rsps.post(settings.XERO_TOKEN_URL, json=token_body())
        identity.refresh(refresh_token=REFRESH, connection=connection)

    assert token.calls[0].request.req_kwargs["timeout"] == (3.0, 4.0)


def test_a_refresh_told_to_wait_longer_than_the_lock_allows_is_not_retried(connection):
    with responses.RequestsMock() as rsps:
        token = rsps.post(settings.XERO_TOKEN_URL, status=429, headers={"Retry-After": "30"})
        with pytest.raises(XeroError) as raised:
            identity.refresh(refresh_token=REFRESH, connection=connection)

    assert len(token.calls) == 1
    assert (raised.value.kind, raised.value.retry_after) == (TRANSIENT, 30.0)


def test_an_unusable_token_answer_is_permanent_and_its_row_says_so(merchant):
    with responses.RequestsMock() as rsps:
        rsps.post(settings.XERO_TOKEN_URL, json={"token_type": "Bearer"})
        with pytest.raises(XeroError) as raised:
            identity.exchange_code(code=CODE, merchant=merchant)

    message = identity.MSG_UNUSABLE_TOKEN_RESPONSE.format(details="missing_token")
    assert (raised.value.kind, raised.value.message) == (PERMANENT, message)
    row = SyncLog.objects.get()
    assert (row.outcome, row.http_status, row.error) == ("failed", 200, message)


def test_a_connections_answer_that_is_not_a_list_is_refused_and_its_row_says_so(merchant):
    with responses.RequestsMock() as rsps:
        rsps.get(settings.XERO_CONNECTIONS_URL, json={"tenantId": "t-1"})
        with pytest.raises(XeroError) as raised:
            identity.list_connections(access_token=ACCESS, merchant=merchant)

    assert raised.value.message == identity.MSG_UNREADABLE_CONNECTIONS
    row = SyncLog.objects.get()
    assert (row.operation, row.outcome) == ("connections.list", "failed")


def test_revocation_sends_the_refresh_token_as_a_form_with_basic_auth(connection):
    with responses.RequestsMock() as rsps:
        revoke = rsps.post(settings.XERO_REVOKE_URL, status=200)
        identity.revoke(refresh_token=REFRESH, connection=connection)

    sent = revoke.calls[0].request
    assert form(revoke.calls[0]) == {"token": REFRESH, "token_type_hint": "refresh_token"}
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert sent.headers["Authorization"].startswith("Basic ")
    assert REFRESH not in row_text(SyncLog.objects.get())


def test_deleting_a_connection_xero_no_longer_has_is_false_and_not_an_error(connection):
    with responses.RequestsMock() as rsps:
        rsps.delete(f"{settings.XERO_CONNECTIONS_URL}/c-1", status=404, body="Not Found")
        assert identity.delete_connection(access_token=ACCESS, connection=connection) is False

    row = SyncLog.objects.get()
    assert (row.operation, row.outcome, row.http_status) == ("connections.delete", "success", 404)
