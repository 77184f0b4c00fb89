import time

from sandbox_xero import running_sandbox

from .conftest import Api, connect, data, invoice


def put_with_key(api, key, body):
    return api.put(
        "Invoices",
        {"Invoices": [body]},
        params={"summarizeErrors": "false"},
        headers={"Idempotency-Key": key},
    )


def invoice_count(api):
    return len(data(api.get("Invoices"))["Invoices"])


def test_idempotency_key_replays_cached_response(api):
    first = put_with_key(api, "key-1", invoice())
    again = put_with_key(api, "key-1", invoice())
    assert again.content == first.content
    assert invoice_count(api) == 1


def test_idempotency_key_with_different_body_is_rejected(api):
    put_with_key(api, "key-1", invoice())
    reply = put_with_key(api, "key-1", invoice(Reference="changed"))
    assert reply.status_code == 400
    assert data(reply)["Message"] == "Idempotency Key: key-1 is used with a different request."


def test_idempotency_key_over_128_characters_is_rejected(api):
    assert put_with_key(api, "k" * 129, invoice()).status_code == 400
    assert invoice_count(api) == 0


def test_idempotency_key_is_forgotten_after_the_window():
    with running_sandbox(idempotency_seconds=0) as base_url:
        api = Api(base_url, connect(base_url))
        put_with_key(api, "key-1", invoice())
        time.sleep(0.01)
        reused = put_with_key(api, "key-1", invoice())
    # Processed afresh: the duplicate number is caught by Xero's own uniqueness rule.
    assert data(reused)["Invoices"][0]["HasErrors"] is True


def test_errors_are_cached_too(api):
    api.control("POST", "config", {"period_lock_date": "2026-12-31"})
    first = put_with_key(api, "key-err", invoice())
    api.control("POST", "config", {"period_lock_date": "2000-01-01"})
    replay = put_with_key(api, "key-err", invoice())
    assert replay.content == first.content and data(replay)["Invoices"][0]["HasErrors"] is True
    assert invoice_count(api) == 0


def fail_next_invoice_put(api):
    api.control("POST", "faults", {"kind": "server_error", "status": 503, "method": "PUT"})


def test_a_5xx_is_kept_under_its_key_and_replayed(api):
    fail_next_invoice_put(api)
    first = put_with_key(api, "key-5xx", invoice())
    replay = put_with_key(api, "key-5xx", invoice())
    assert (first.status_code, replay.status_code) == (503, 503)
    assert replay.content == first.content
    assert invoice_count(api) == 0


def test_a_new_key_after_a_cached_5xx_is_processed(api):
    fail_next_invoice_put(api)
    put_with_key(api, "key-5xx", invoice())
    assert put_with_key(api, "key-new", invoice()).status_code == 200
    assert invoice_count(api) == 1


def test_a_5xx_is_not_kept_when_idempotency_caches_errors_is_off(api):
    api.control("POST", "config", {"idempotency_caches_errors": False})
    fail_next_invoice_put(api)
    assert put_with_key(api, "key-5xx", invoice()).status_code == 503
    replay = put_with_key(api, "key-5xx", invoice())
    assert replay.status_code == 200 and data(replay)["Invoices"][0]["HasErrors"] is False
    assert invoice_count(api) == 1


def test_a_5xx_to_a_write_without_a_key_is_not_kept(api):
    fail_next_invoice_put(api)
    params = {"summarizeErrors": "false"}
    assert api.put("Invoices", {"Invoices": [invoice()]}, params=params).status_code == 503
    assert api.put("Invoices", {"Invoices": [invoice()]}, params=params).status_code == 200
