import time
from decimal import Decimal

import pytest
import requests

from sandbox_xero import gateway

from .conftest import data, invoice


def put_invoice(api, key=None, timeout=None):
    headers = {"Idempotency-Key": key} if key else None
    return requests.put(
        api.base_url + "/api.xro/2.0/Invoices",
        params={"summarizeErrors": "false"},
        data=_body(),
        headers=api.headers(headers),
        timeout=timeout or 10,
    )


def _body():
    from sandbox_xero import wire

    return wire.dumps({"Invoices": [invoice()]})


def invoice_numbers(api):
    return [i["InvoiceNumber"] for i in data(api.get("Invoices"))["Invoices"]]


def test_rate_limit_fault_answers_429_with_retry_after(api):
    api.control("POST", "faults", {"kind": "rate_limit", "count": 1, "retry_after": 7})
    limited = api.get("Accounts")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "7"
    assert api.get("Accounts").status_code == 200


def test_server_error_fault_answers_503_for_matching_path_only(api):
    api.control(
        "POST", "faults", {"kind": "server_error", "status": 503, "path_contains": "Invoices"}
    )
    assert api.get("Accounts").status_code == 200
    failed = api.get("Invoices")
    assert failed.status_code == 503 and data(failed)["Status"] == 503


def test_slow_fault_delays_the_answer(api):
    api.control("POST", "faults", {"kind": "slow", "delay": Decimal("0.3")})
    started = time.monotonic()
    assert api.get("Accounts").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_drop_after_store_keeps_the_invoice(api):
    api.control("POST", "faults", {"kind": "drop_after_store", "path_contains": "Invoices"})
    with pytest.raises(requests.ConnectionError):
        put_invoice(api)
    assert invoice_numbers(api) == ["POS-1"]


def test_retry_after_dropped_response_with_same_key_replays(api):
    api.control("POST", "faults", {"kind": "drop_after_store", "path_contains": "Invoices"})
    with pytest.raises(requests.ConnectionError):
        put_invoice(api, key="retry-key")
    replay = put_invoice(api, key="retry-key")
    assert data(replay)["Invoices"][0]["StatusAttributeString"] == "OK"
    assert invoice_numbers(api) == ["POS-1"]


def test_timeout_fault_stores_then_outlasts_the_client(api):
    api.control("POST", "faults", {"kind": "timeout", "delay": 2, "path_contains": "Invoices"})
    with pytest.raises(requests.Timeout):
        put_invoice(api, timeout=0.3)
    assert invoice_numbers(api) == ["POS-1"]


def test_unexpected_error_is_a_json_500_not_a_traceback(api, monkeypatch):
    def explode(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(gateway.accounting, "handle", explode)
    reply = api.get("Accounts")
    assert reply.status_code == 500 and "boom" not in reply.text
    assert data(reply)["Status"] == 500


def test_unknown_fault_kind_is_rejected(api):
    reply = requests.post(api.base_url + "/_sandbox/faults", json={"kind": "meteor"}, timeout=5)
    assert reply.status_code == 400


def served_at_rate(api, seed):
    api.control("DELETE", "faults")
    api.control("POST", "faults", {"kind": "server_error", "rate": Decimal("0.3"), "seed": seed})
    # 25 calls: two rounds stay under the sandbox's 60 calls a minute.
    return [api.get("Accounts").status_code for _ in range(25)]


def test_rate_fault_serves_about_its_share_of_calls_until_cleared(api):
    codes = served_at_rate(api, seed=7)
    assert 2 <= codes.count(503) <= 15 and codes.count(200) == 25 - codes.count(503)
    api.control("DELETE", "faults")
    assert {api.get("Accounts").status_code for _ in range(5)} == {200}


def test_rate_fault_with_the_same_seed_fails_the_same_calls(api):
    assert served_at_rate(api, seed=3) == served_at_rate(api, seed=3)


def test_rate_outside_zero_to_one_is_refused(sandbox):
    reply = requests.post(sandbox + "/_sandbox/faults", json={"kind": "slow", "rate": 2}, timeout=5)
    assert reply.status_code == 400 and "rate" in reply.text


def test_served_faults_are_counted_by_kind(api):
    api.control("POST", "faults", {"kind": "rate_limit", "count": 2})
    api.control("POST", "faults", {"kind": "server_error", "count": 1})
    codes = [api.get("Accounts").status_code for _ in range(4)]
    assert codes == [429, 429, 503, 200]
    assert api.control("GET", "faults")["served_counts"] == {"rate_limit": 2, "server_error": 1}
