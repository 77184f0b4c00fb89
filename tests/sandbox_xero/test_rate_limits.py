import threading
import time

import requests

from .conftest import TIMEOUT, Api, connect


def limit_stats(api):
    return api.control("GET", "state")["stats"]


def test_minute_limit_answers_429_with_retry_after(api):
    api.control("POST", "config", {"minute_limit": 3, "minute_window_seconds": 2})
    assert [api.get("Accounts").status_code for _ in range(3)] == [200, 200, 200]
    limited = api.get("Accounts")
    assert limited.status_code == 429
    assert limited.headers["X-Rate-Limit-Problem"] == "minute"
    assert 1 <= int(limited.headers["Retry-After"]) <= 2


def test_minute_window_rolls_over(api):
    api.control("POST", "config", {"minute_limit": 1, "minute_window_seconds": 1})
    assert api.get("Accounts").status_code == 200
    assert api.get("Accounts").status_code == 429
    time.sleep(1.05)
    assert api.get("Accounts").status_code == 200


def test_day_limit_answers_429_day(api):
    api.control("POST", "config", {"day_limit": 2})
    api.get("Accounts")
    api.get("Accounts")
    limited = api.get("Accounts")
    assert limited.status_code == 429 and limited.headers["X-Rate-Limit-Problem"] == "day"
    assert "Retry-After" in limited.headers


def test_concurrent_limit(api):
    api.control(
        "POST", "faults", {"kind": "slow", "count": 5, "delay": 1, "path_contains": "Accounts"}
    )
    threads = [threading.Thread(target=api.get, args=("Accounts",)) for _ in range(5)]
    for thread in threads:
        thread.start()
    wait_for_in_progress(api, 5)
    limited = api.get("TaxRates")
    for thread in threads:
        thread.join()
    assert limited.status_code == 429 and limited.headers["X-Rate-Limit-Problem"] == "concurrent"
    assert limit_stats(api)["max_concurrent"] == 5


def wait_for_in_progress(api, count, deadline=5):
    end = time.monotonic() + deadline
    tenant = api.tokens["tenant_id"]
    while time.monotonic() < end:
        if limit_stats(api)["per_tenant"][tenant]["in_progress"] == count:
            return
        time.sleep(0.02)
    raise AssertionError(f"never saw {count} calls in progress")


def test_stats_record_calls_peaks_and_every_429(api):
    api.control("POST", "config", {"minute_limit": 2})
    for _ in range(3):
        api.get("Accounts")
    stats = limit_stats(api)
    assert (stats["calls"], stats["max_per_minute"], stats["rate_limited_count"]) == (2, 2, 1)
    rejection = stats["per_tenant"][api.tokens["tenant_id"]]["rate_limited"][0]
    assert rejection["problem"] == "minute" and rejection["path"] == "/Accounts"


def test_limits_are_per_tenant(sandbox):
    Api(sandbox, {}).control("POST", "config", {"orgs_per_authorisation": 2, "minute_limit": 1})
    tokens = connect(sandbox)
    first = Api(sandbox, tokens)
    auth = {"Authorization": "Bearer " + tokens["access_token"]}
    tenants = [
        c["tenantId"]
        for c in requests.get(sandbox + "/Connections", headers=auth, timeout=TIMEOUT).json()
    ]
    second = Api(sandbox, {**tokens, "tenant_id": tenants[1]})
    assert first.get("Accounts").status_code == 200
    assert first.get("Accounts").status_code == 429
    assert second.get("Accounts").status_code == 200
