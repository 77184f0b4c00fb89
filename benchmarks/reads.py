"""Figure 5: requests per second and p99 of the read endpoints (status, logs, health) under
a bounded load on loopback, against a bare Django JSON view on the same gunicorn; and
their query counts, which must not grow with the data."""

import http.client
import threading
import time
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from .measure import Figure, interleaved, percentile
from .world import Shop

CONCURRENCY = 4  # bounded: the service has 2 workers on 2 cores


def endpoints(shop: Shop) -> dict[str, str]:
    merchant = shop.merchant.merchant_id
    station = shop.outlets[0].pos_station_id
    query = urlencode({"merchant_id": merchant, "pos_station_id": station})
    return {
        "status": f"/api/xero/status?{query}",
        # The merchant's logs: a batch of several outlets' documents is logged for none.
        "logs": f"/api/xero/logs?{urlencode({'merchant_id': merchant})}",
        "health": "/api/health",
    }


def load(base_url: str, path: str, headers: dict[str, str], seconds: float) -> dict:
    """CONCURRENCY clients, each one request at a time, for `seconds`: req/s and p99 ms."""
    host = urlsplit(base_url)
    latencies: list[float] = []
    failures: list[int] = []
    deadline = time.perf_counter() + seconds

    def client() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            conn = http.client.HTTPConnection(host.hostname or "", host.port, timeout=30)
            conn.request("GET", path, headers=headers)
            reply = conn.getresponse()
            reply.read()
            conn.close()
            if reply.status != 200:
                failures.append(reply.status)
            latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=client) for _ in range(CONCURRENCY)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(f"GET {path}: {len(failures)} answers not 200, e.g. {failures[0]}")
    elapsed = time.perf_counter() - started
    return {"rps": len(latencies) / elapsed, "p99_ms": 1000 * percentile(latencies, 0.99)}


def query_counts(shop: Shop) -> dict[str, int]:
    """Queries each endpoint makes in this process, through Django's test client, to
    compute its answer (not the answer kept for a few seconds)."""
    client = Client(headers={"Authorization": f"Bearer {shop.api_key}"})
    counts = {}
    with override_settings(READ_ANSWER_SECONDS=0):
        for name, path in endpoints(shop).items():
            client.get(path)  # the first call also warms per-process caches
            # The fewest of three: a period's first request also clears the throttle's last.
            counts[name] = min(queries_of(client, path) for _ in range(3))
    return counts


def queries_of(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        reply = client.get(path)
    assert reply.status_code == 200, reply.content[:300]
    return len(captured)


def read_figures(
    base_url: str, shop: Shop, *, rounds: int, seconds: float, small: dict, large: dict
) -> list[Figure]:
    headers = {"Authorization": f"Bearer {shop.api_key}", "Host": "127.0.0.1"}
    figures = []
    for name, path in endpoints(shop).items():
        results: dict[str, list[dict]] = {}

        def measure(key: str, url_path: str) -> Callable[[], float]:
            def once() -> float:
                result = load(base_url, url_path, headers, seconds)
                results.setdefault(key, []).append(result)
                return float(result["rps"])

            return once

        rps = interleaved(
            rounds,
            {
                name: measure(name, path),
                "bare": measure("bare", "/bench/bare"),
                "floor": measure("floor", "/bench/api-floor"),
            },
        )
        p99 = {k: sorted(r["p99_ms"] for r in v)[len(v) // 2] for k, v in results.items()}
        ratio = rps[name] / rps["bare"]
        constant = small[name] == large[name]
        figures.append(
            Figure(
                name=f"5 GET {name} vs bare view",
                ratio=ratio,
                goal=">= 0.5, constant queries",
                ok=ratio >= 0.5 and constant,
                detail=(
                    f"{rps[name]:,.0f} vs {rps['bare']:,.0f} req/s, p99 {p99[name]:.0f} vs "
                    f"{p99['bare']:.0f} ms; API floor (key + throttle) {rps['floor']:,.0f} req/s; "
                    f"{small[name]} -> {large[name]} queries as data grows"
                ),
                values={
                    "rps": rps[name],
                    "bare_rps": rps["bare"],
                    "p99_ms": p99[name],
                    "bare_p99_ms": p99["bare"],
                    "api_floor_rps": rps["floor"],
                    "queries_small": small[name],
                    "queries_large": large[name],
                },
            )
        )
    return figures
