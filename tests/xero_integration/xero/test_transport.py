"""send(): headers, retries, exactly-once rules for writes, and the SyncLog row of every attempt.

Only Xero is mocked (with `responses`); the access token is passed through (`access_token=`).
"""

import base64
import datetime
import logging
import re
from decimal import Decimal

import pytest
import requests
import responses
from django.utils import timezone
from urllib3.exceptions import MaxRetryError, NewConnectionError

from tests.factories import XeroConnectionFactory
from xero_integration.models import SyncLog
from xero_integration.xero import errors, ratelimit, transport
from xero_integration.xero.errors import XeroError
from xero_integration.xero.transport import send

API = "https://api.xero.test/api.xro/2.0"
TOKEN = "tok-123"
CLIENT_SECRET = "client-secret-xyz"


class FakeClock:
    """Time that moves only when the code under test sleeps; every wait is recorded."""

    def __init__(self):
        self.moment = timezone.now()
        self.sleeps = []

    def now(self):
        return self.moment

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.moment += datetime.timedelta(seconds=seconds)


@pytest.fixture(autouse=True)
def xero_settings(settings):
    settings.XERO_API_URL = API
    settings.XERO_MAX_RETRIES = 3
    settings.XERO_TIMEOUT_SECONDS = 30
    settings.XERO_CLIENT_SECRET = CLIENT_SECRET


@pytest.fixture
def clock(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(transport, "sleep", clock.sleep)
    monkeypatch.setattr(ratelimit, "sleep", clock.sleep)
    monkeypatch.setattr(ratelimit, "now", clock.now)
    return clock


@pytest.fixture
def connection(merchant):
    return XeroConnectionFactory.create(merchant=merchant, tenant_id="tenant-1")


def _get(connection, **kwargs):
    return send(
        connection=connection,
        method="GET",
        url=f"{API}/Accounts",
        operation="get_accounts",
        access_token=TOKEN,
        **kwargs,
    )


def _put(connection, **kwargs):
    return send(
        connection=connection,
        method="PUT",
        url=f"{API}/Invoices",
        operation="create_invoices",
        json={"Invoices": []},
        access_token=TOKEN,
        **kwargs,
    )


def _not_connected():
    # urllib3 keeps the connection and the pool only to describe the error: None will do.
    refused = "Failed to establish a new connection: refused"
    reason = NewConnectionError(None, refused)  # type: ignore[arg-type]
    return requests.ConnectionError(
        MaxRetryError(None, "/Invoices", reason=reason)  # type: ignore[arg-type]
    )


# ---- headers and bodies ---------------------------------------------------------------------


@responses.activate
def test_accounting_call_carries_token_tenant_accept_and_correlation_id(connection, clock):
    responses.get(f"{API}/Accounts", json={"Accounts": []})

    response = _get(connection)

    sent = responses.calls[0].request.headers
    assert sent["Authorization"] == f"Bearer {TOKEN}"
    assert sent["xero-tenant-id"] == "tenant-1"
    assert sent["Accept"] == "application/json"
    assert re.fullmatch(r"[0-9a-f]{32}", sent["X-Correlation-Id"])
    assert response.correlation_id == sent["X-Correlation-Id"]
    assert "Idempotency-Key" not in sent


@responses.activate
def test_identity_call_without_connection_has_no_tenant_header_and_uses_basic_auth(merchant, clock):
    responses.post("https://identity.xero.test/connect/token", json={"access_token": "new"})

    send(
        connection=None,
        merchant=merchant,
        method="POST",
        url="https://identity.xero.test/connect/token",
        operation="oauth.refresh",
        data={"grant_type": "refresh_token", "refresh_token": "rt-1"},
        auth=("client-id", CLIENT_SECRET),
    )

    sent = responses.calls[0].request.headers
    assert "xero-tenant-id" not in sent
    assert sent["Authorization"].startswith("Basic ")


@responses.activate
def test_send_never_fetches_a_token_itself(connection, clock):
    # The caller (accounting.py, via tokens.py) passes the token; send only sends it.
    responses.get(f"{API}/Accounts", json={})

    send(connection=connection, method="GET", url=f"{API}/Accounts", operation="get_accounts")

    assert len(responses.calls) == 1
    assert "Authorization" not in responses.calls[0].request.headers


@responses.activate
def test_decimal_amounts_are_sent_and_read_as_exact_numbers(connection, clock):
    responses.put(f"{API}/Invoices", body='{"Invoices": [{"Total": 115.10, "AmountDue": 0.1}]}')

    response = send(
        connection=connection,
        method="PUT",
        url=f"{API}/Invoices",
        operation="create_invoices",
        json={"Invoices": [{"UnitAmount": Decimal("10.1235")}]},
        idempotency_key="k-1",
        access_token=TOKEN,
    )

    assert responses.calls[0].request.body == b'{"Invoices": [{"UnitAmount": 10.1235}]}'
    assert responses.calls[0].request.headers["Content-Type"] == "application/json"
    assert response.json["Invoices"][0]["Total"] == Decimal("115.10")
    assert isinstance(response.json["Invoices"][0]["AmountDue"], Decimal)


@responses.activate
def test_timeout_is_set_on_every_call(connection, clock, settings):
    settings.XERO_TIMEOUT_SECONDS = 12.5
    responses.get(f"{API}/Accounts", json={})

    _get(connection)

    # `responses` records requests' keyword arguments on the request; the stubs omit them.
    sent = responses.calls[0].request.req_kwargs  # type: ignore[attr-defined]
    assert sent["timeout"] == 12.5


@responses.activate
def test_a_per_call_timeout_is_what_requests_receives(connection, clock):
    responses.get(f"{API}/Accounts", json={})

    _get(connection, timeout=(3.0, 6.0))

    sent = responses.calls[0].request.req_kwargs  # type: ignore[attr-defined]  # as above
    assert sent["timeout"] == (3.0, 6.0)


@responses.activate
def test_timeout_message_names_the_read_timeout_of_the_call(connection, clock):
    responses.get(f"{API}/Accounts", body=requests.ReadTimeout("read timed out"))

    with pytest.raises(XeroError) as caught:
        _get(connection, timeout=(3.0, 6.0), attempts=1)

    assert caught.value.message == errors.MSG_TIMEOUT.format(seconds=6.0)
    assert SyncLog.objects.get().error == "Xero did not answer within 6.0 seconds."


@responses.activate
def test_304_not_modified_is_a_success_without_body(connection, clock):
    responses.get(f"{API}/Accounts", status=304)

    response = _get(connection)

    assert response.status == 304
    assert response.json is None


# ---- retries ----------------------------------------------------------------------------------


@responses.activate
def test_429_waits_retry_after_then_succeeds(connection, clock):
    responses.get(
        f"{API}/Accounts",
        status=429,
        headers={"Retry-After": "7", "X-Rate-Limit-Problem": "minute"},
    )
    responses.get(f"{API}/Accounts", json={"Accounts": [{"Code": "200"}]})

    response = _get(connection)

    assert response.json == {"Accounts": [{"Code": "200"}]}
    assert clock.sleeps == [7.0]


@responses.activate
def test_429_tells_the_rate_limiter_so_every_process_waits(connection, clock):
    responses.get(
        f"{API}/Accounts",
        status=429,
        headers={"Retry-After": "7", "X-Rate-Limit-Problem": "minute"},
    )
    responses.get(f"{API}/Accounts", json={})

    started = clock.now()
    _get(connection)

    limit = ratelimit.XeroTenantLimit.objects.get(tenant_id="tenant-1")
    assert limit.blocked_until == started + datetime.timedelta(seconds=7)
    assert limit.block_reason == "minute"


@responses.activate
def test_429_with_a_long_retry_after_gives_the_worker_back(connection, clock):
    responses.get(
        f"{API}/Accounts",
        status=429,
        headers={"Retry-After": "3600", "X-Rate-Limit-Problem": "day"},
    )

    with pytest.raises(XeroError) as caught:
        _get(connection)

    assert caught.value.kind == errors.TRANSIENT
    assert caught.value.retry_after == 3600.0
    assert len(responses.calls) == 1
    assert clock.sleeps == []


@responses.activate
def test_5xx_backs_off_exponentially_then_gives_up_as_transient(connection, clock, monkeypatch):
    monkeypatch.setattr(
        transport.random, "uniform", lambda low, high: high
    )  # the top of each jitter range
    responses.get(
        f"{API}/Accounts", status=503, json={"Title": "Service Unavailable", "Detail": "Down"}
    )

    with pytest.raises(XeroError) as caught:
        _get(connection)

    assert caught.value.kind == errors.TRANSIENT
    assert caught.value.status == 503
    assert caught.value.outcome_unknown is False  # a GET stores nothing
    assert len(responses.calls) == 4  # 1 + XERO_MAX_RETRIES
    assert clock.sleeps == [1.0, 2.0, 4.0]


@responses.activate
def test_backoff_waits_are_jittered_within_exponential_bounds(connection, clock, settings):
    settings.XERO_MAX_RETRIES = 5
    responses.get(f"{API}/Accounts", status=500, body="oops")

    with pytest.raises(XeroError):
        _get(connection)

    assert len(clock.sleeps) == 5
    for attempt, wait in enumerate(clock.sleeps, start=1):
        assert 0 <= wait <= transport.BACKOFF_BASE_SECONDS * 2 ** (attempt - 1)


@responses.activate
def test_one_attempt_is_never_resent(connection, clock):
    responses.get(f"{API}/Accounts", status=503)

    with pytest.raises(XeroError):
        _get(connection, attempts=1)

    assert len(responses.calls) == 1


@responses.activate
def test_attempts_caps_the_tries(connection, clock):
    responses.get(f"{API}/Accounts", status=503)

    with pytest.raises(XeroError):
        _get(connection, attempts=2)

    assert len(responses.calls) == 2
    assert list(SyncLog.objects.order_by("attempt").values_list("attempt", flat=True)) == [1, 2]


def test_fewer_than_one_attempt_is_refused(connection):
    with pytest.raises(ValueError):
        _get(connection, attempts=0)


@responses.activate
def test_retry_after_beyond_max_wait_ends_the_call_with_the_wait_for_the_caller(connection, clock):
    responses.get(f"{API}/Accounts", status=429, headers={"Retry-After": "5"})

    with pytest.raises(XeroError) as caught:
        _get(connection, max_wait=1.0)

    assert (caught.value.kind, caught.value.retry_after) == (errors.TRANSIENT, 5.0)
    assert len(responses.calls) == 1
    assert clock.sleeps == []


@responses.activate
def test_backoff_never_sleeps_longer_than_max_wait(connection, clock, monkeypatch):
    monkeypatch.setattr(transport.random, "uniform", lambda low, high: high)
    responses.get(f"{API}/Accounts", status=503)

    with pytest.raises(XeroError):
        _get(connection, max_wait=1.5)

    assert clock.sleeps == [1.0, 1.5, 1.5]


@responses.activate
def test_an_ok_status_is_an_answer_not_an_error(merchant, clock):
    url = "https://api.xero.test/connections/conn-1"
    responses.delete(url, status=404, body="<html>Not Found</html>")

    response = send(
        merchant=merchant,
        method="DELETE",
        url=url,
        operation="connections.delete",
        access_token=TOKEN,
        ok_statuses=(404,),
    )

    assert (response.status, response.json) == (404, None)
    row = SyncLog.objects.get()
    assert (row.outcome, row.http_status, row.error) == (SyncLog.Outcome.SUCCESS, 404, "")


@responses.activate
def test_without_ok_statuses_a_404_is_an_error(merchant, clock):
    url = "https://api.xero.test/connections/conn-1"
    responses.delete(url, status=404, json={"Title": "Not Found"})

    with pytest.raises(XeroError) as caught:
        send(merchant=merchant, method="DELETE", url=url, operation="x", access_token=TOKEN)

    assert (caught.value.kind, caught.value.status) == (errors.PERMANENT, 404)


@responses.activate
def test_validation_error_is_not_retried(connection, clock):
    responses.put(
        f"{API}/Invoices",
        status=400,
        json={
            "ErrorNumber": 10,
            "Type": "ValidationException",
            "Message": "A validation exception occurred",
            "Elements": [{"ValidationErrors": [{"Message": "Invoice # must be unique."}]}],
        },
    )

    with pytest.raises(XeroError) as caught:
        _put(connection, idempotency_key="k-1")

    assert caught.value.kind == errors.PERMANENT
    assert caught.value.validation_errors == ["Invoice # must be unique."]
    assert len(responses.calls) == 1


@responses.activate
def test_get_timeout_is_retried(connection, clock):
    responses.get(f"{API}/Accounts", body=requests.ReadTimeout("read timed out"))
    responses.get(f"{API}/Accounts", json={})

    assert _get(connection).status == 200
    assert len(responses.calls) == 2


# ---- exactly-once: writes ----------------------------------------------------------------------


@responses.activate
def test_put_timeout_without_idempotency_key_is_not_retried_and_outcome_is_unknown(
    connection, clock
):
    responses.put(f"{API}/Invoices", body=requests.ReadTimeout("read timed out"))

    with pytest.raises(XeroError) as caught:
        _put(connection)

    assert caught.value.kind == errors.TRANSIENT
    assert caught.value.outcome_unknown is True
    assert caught.value.message == errors.MSG_OUTCOME_UNKNOWN.format(
        operation="create_invoices", details="Xero did not answer within 30 seconds"
    )
    assert len(responses.calls) == 1
    assert clock.sleeps == []


@responses.activate
def test_put_connection_lost_without_key_is_not_retried(connection, clock):
    responses.put(f"{API}/Invoices", body=requests.ConnectionError("Connection aborted."))

    with pytest.raises(XeroError) as caught:
        _put(connection)

    assert caught.value.outcome_unknown is True
    assert len(responses.calls) == 1


@responses.activate
def test_put_5xx_without_key_is_not_retried(connection, clock):
    responses.put(f"{API}/Invoices", status=504, body="Gateway Timeout")

    with pytest.raises(XeroError) as caught:
        _put(connection)

    assert caught.value.outcome_unknown is True
    assert len(responses.calls) == 1


@responses.activate
def test_put_never_sent_is_retried_even_without_key(connection, clock):
    responses.put(f"{API}/Invoices", body=_not_connected())
    responses.put(f"{API}/Invoices", json={"Invoices": []})

    assert _put(connection).status == 200
    assert len(responses.calls) == 2


@responses.activate
def test_put_429_without_key_is_retried_because_xero_refused_it_unprocessed(connection, clock):
    responses.put(f"{API}/Invoices", status=429, headers={"Retry-After": "2"})
    responses.put(f"{API}/Invoices", json={"Invoices": []})

    assert _put(connection).status == 200
    assert clock.sleeps == [2.0]


@responses.activate
def test_keyed_put_that_timed_out_is_not_resent(connection, clock):
    # The key would make Xero replay its answer only while Xero keeps keys (notes §3):
    # exactly-once does not lean on that; the caller looks the documents up instead.
    responses.put(f"{API}/Invoices", body=requests.ReadTimeout("read timed out"))

    with pytest.raises(XeroError) as caught:
        _put(connection, idempotency_key="key-abc")

    assert caught.value.outcome_unknown is True
    assert len(responses.calls) == 1
    assert responses.calls[0].request.headers["Idempotency-Key"] == "key-abc"


@responses.activate
def test_keyed_put_refused_by_the_rate_limit_is_retried_with_the_same_key(connection, clock):
    responses.put(f"{API}/Invoices", status=429, headers={"Retry-After": "2"})
    responses.put(f"{API}/Invoices", json={"Invoices": [{"InvoiceID": "inv-1"}]})

    response = _put(connection, idempotency_key="key-abc")

    assert response.json == {"Invoices": [{"InvoiceID": "inv-1"}]}
    sent = [call.request.headers for call in responses.calls]
    assert [h["Idempotency-Key"] for h in sent] == ["key-abc"] * 2
    assert len({h["X-Correlation-Id"] for h in sent}) == 1


@responses.activate
def test_refresh_style_post_marked_replay_safe_is_retried(merchant, clock):
    url = "https://identity.xero.test/connect/token"
    responses.post(url, body=requests.ReadTimeout("read timed out"))
    responses.post(url, json={"access_token": "new"})

    send(
        connection=None,
        merchant=merchant,
        method="POST",
        url=url,
        operation="oauth.refresh",
        data={"grant_type": "refresh_token"},
        replay_safe=True,
    )

    assert len(responses.calls) == 2


@responses.activate
def test_unanswered_replay_safe_post_is_not_outcome_unknown(merchant, clock):
    # Nothing to look up in Xero: sending it again cannot store anything twice.
    url = "https://identity.xero.test/connect/token"
    responses.post(url, body=requests.ReadTimeout("read timed out"))

    with pytest.raises(XeroError) as caught:
        send(
            merchant=merchant,
            method="POST",
            url=url,
            operation="oauth.refresh",
            data={"grant_type": "refresh_token"},
            replay_safe=True,
            attempts=2,
        )

    assert caught.value.outcome_unknown is False
    assert caught.value.message == "Xero did not answer within 30 seconds."
    assert len(responses.calls) == 2


def test_idempotency_key_over_128_characters_is_refused(connection):
    with pytest.raises(ValueError):
        _put(connection, idempotency_key="k" * 129)


# ---- the SyncLog row of every attempt ------------------------------------------------------------


@responses.activate
def test_each_attempt_leaves_a_completed_sync_log_row(connection, outlet, clock):
    responses.put(
        f"{API}/Invoices",
        status=429,
        headers={"Retry-After": "1", "X-Rate-Limit-Problem": "minute"},
        json={"Title": "Too Many Requests"},
    )
    responses.put(f"{API}/Invoices", json={"Invoices": []})

    response = _put(connection, idempotency_key="k-1", outlet=outlet, documents=["POS-S1-1"])

    first, second = SyncLog.objects.order_by("attempt")
    assert (first.attempt, second.attempt) == (1, 2)
    assert first.outcome == SyncLog.Outcome.FAILED
    assert first.http_status == 429
    assert first.error == "Xero's minute rate limit was reached; try again in 1 seconds."
    assert second.outcome == SyncLog.Outcome.SUCCESS
    assert second.http_status == 200
    assert second.error == ""
    for row in (first, second):
        assert row.duration_ms is not None
        assert row.correlation_id == response.correlation_id
        assert row.operation == "create_invoices"
        assert row.method == "PUT"
        assert row.url == f"{API}/Invoices"
        assert row.merchant_id == connection.merchant_id
        assert row.connection_id == connection.pk
        assert row.outlet_id == outlet.pk
        assert row.documents == ["POS-S1-1"]


@responses.activate
def test_sync_log_keeps_xeros_validation_text(connection, clock):
    responses.put(
        f"{API}/Invoices",
        status=400,
        json={
            "ErrorNumber": 10,
            "Type": "ValidationException",
            "Message": "A validation exception occurred",
            "Elements": [
                {"ValidationErrors": [{"Message": "Account code '999' is not a valid code."}]}
            ],
        },
    )

    with pytest.raises(XeroError):
        _put(connection, idempotency_key="k-1")

    row = SyncLog.objects.get()
    assert row.outcome == SyncLog.Outcome.FAILED
    assert row.error == "Xero rejected the request: Account code '999' is not a valid code."


@responses.activate
def test_sync_log_row_is_written_before_the_call(connection, clock):
    seen = []

    def callback(request):
        seen.append(list(SyncLog.objects.values_list("outcome", "attempt")))
        return 200, {}, "{}"

    responses.add_callback(responses.GET, f"{API}/Accounts", callback=callback)

    _get(connection)

    assert seen == [[(SyncLog.Outcome.STARTED, 1)]]


@responses.activate
def test_timeout_row_has_no_status_and_says_so(connection, clock):
    responses.get(f"{API}/Accounts", body=requests.ReadTimeout("read timed out"))

    with pytest.raises(XeroError):
        _get(connection, attempts=1)

    row = SyncLog.objects.get()
    assert row.http_status is None
    assert row.error == "Xero did not answer within 30 seconds."


@responses.activate
def test_secrets_never_reach_sync_log_or_log_output(merchant, connection, clock, caplog):
    caplog.set_level(logging.DEBUG)
    # Xero echoing a secret back in an error is the worst case: it must still be scrubbed.
    responses.get(
        f"{API}/Accounts",
        status=401,
        json={"Title": "Unauthorized", "Detail": f"bad token {TOKEN}"},
    )
    token_url = "https://identity.xero.test/connect/token"
    responses.post(
        token_url,
        status=400,
        json={"error": "invalid_grant", "error_description": "refresh token rt-secret-1 expired"},
    )

    with pytest.raises(XeroError):
        send(
            connection=connection,
            method="GET",
            url=f"{API}/Accounts",
            operation="get_accounts",
            params={"code": "auth-code-1"},
            access_token=TOKEN,
        )
    with pytest.raises(XeroError):
        send(
            connection=None,
            merchant=merchant,
            method="POST",
            url=token_url,
            operation="oauth.refresh",
            data={"grant_type": "refresh_token", "refresh_token": "rt-secret-1"},
            auth=("client-id", CLIENT_SECRET),
        )

    rows = [str(row) for row in SyncLog.objects.values()]
    assert len(rows) == 2
    for secret in (TOKEN, CLIENT_SECRET, "rt-secret-1", "auth-code-1"):
        assert not any(secret in row for row in rows), secret
        assert secret not in caplog.text, secret
    assert "[redacted]" in SyncLog.objects.get(operation="get_accounts").url


@responses.activate
def test_secrets_in_an_urlencoded_form_and_basic_auth_stay_out_of_rows_logs_and_errors(
    merchant, clock, caplog
):
    caplog.set_level(logging.DEBUG)
    url = "https://identity.xero.test/connect/token"
    basic = base64.b64encode(f"client-id:{CLIENT_SECRET}".encode()).decode()
    echoed = f"code auth-code-9 and rt-secret-9 and {basic}"
    responses.post(url, status=400, json={"error": "invalid_request", "error_description": echoed})

    with pytest.raises(XeroError) as caught:
        send(
            merchant=merchant,
            method="POST",
            url=url,
            operation="oauth.token_exchange",
            data="grant_type=authorization_code&code=auth-code-9&refresh_token=rt-secret-9",
            auth=("client-id", CLIENT_SECRET),
        )

    row = str(SyncLog.objects.values().get())
    for secret in ("auth-code-9", "rt-secret-9", basic, CLIENT_SECRET):
        assert secret not in row, secret
        assert secret not in caplog.text, secret
        assert secret not in caught.value.message, secret
        assert secret not in caught.value.description, secret
    assert responses.calls[0].request.headers["Authorization"] == f"Basic {basic}"


@responses.activate
def test_basic_auth_given_as_bytes_is_redacted_like_text(merchant, clock, caplog):
    # requests takes bytes credentials as they are; they must be scrubbed all the same.
    caplog.set_level(logging.DEBUG)
    url = "https://identity.xero.test/connect/token"
    basic = base64.b64encode(f"client-id:{CLIENT_SECRET}".encode()).decode()
    echoed = f"client {CLIENT_SECRET} in {basic}"
    responses.post(url, status=400, json={"error": "invalid_request", "error_description": echoed})

    with pytest.raises(XeroError) as caught:
        send(
            merchant=merchant,
            method="POST",
            url=url,
            operation="oauth.token_exchange",
            data="grant_type=authorization_code&code=auth-code-9",
            auth=requests.auth.HTTPBasicAuth(b"client-id", CLIENT_SECRET.encode()),
        )

    row = str(SyncLog.objects.values().get())
    for secret in (basic, CLIENT_SECRET):
        assert secret not in row, secret
        assert secret not in caplog.text, secret
        assert secret not in caught.value.description, secret
    assert responses.calls[0].request.headers["Authorization"] == f"Basic {basic}"


def test_redact_hides_token_values_in_forms_and_json():
    form = {
        "grant_type": "refresh_token",
        "refresh_token": "rt",
        "client_secret": "s",
        "nested": [{"access_token": "at", "code": "c", "Name": "ok"}],
    }

    assert transport.redact(form) == {
        "grant_type": "refresh_token",
        "refresh_token": "[redacted]",
        "client_secret": "[redacted]",
        "nested": [{"access_token": "[redacted]", "code": "[redacted]", "Name": "ok"}],
    }


# ---- rate limiter integration --------------------------------------------------------------------


@responses.activate
def test_remaining_counts_are_recorded_and_slots_released(connection, clock):
    responses.get(
        f"{API}/Accounts",
        json={},
        headers={"X-MinLimit-Remaining": "42", "X-DayLimit-Remaining": "4900"},
    )

    _get(connection)

    limit = ratelimit.XeroTenantLimit.objects.get(tenant_id="tenant-1")
    assert (limit.minute_remaining, limit.day_remaining) == (42, 4900)
    assert (
        ratelimit.XeroCallSlot.objects.filter(
            tenant_id="tenant-1", finished_at__isnull=True
        ).count()
        == 0
    )
    assert ratelimit.XeroCallSlot.objects.filter(tenant_id="tenant-1").count() == 1


@responses.activate
def test_connection_without_tenant_id_is_a_config_error(merchant, clock):
    connection = XeroConnectionFactory.create(merchant=merchant, tenant_id="")

    with pytest.raises(XeroError) as caught:
        _get(connection)

    assert caught.value.kind == errors.CONFIG
    assert caught.value.message == errors.MSG_NO_TENANT
    assert len(responses.calls) == 0
