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
