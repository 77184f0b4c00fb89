"""Figure 3: how much of Xero's minute a per-sale backlog of one organisation uses, drained
by a django-q2 cluster of several workers, with the sandbox enforcing a scaled-up limit.

Useful calls (documents and payments Xero accepted) in each full window after the first
call, against the limit: the median window is the figure; no window may exceed the limit
and Xero must never answer 429. The quick run shortens the window (10 s, in the sandbox
and in the service alike) so that it measures several "minutes" in seconds."""

import datetime
import statistics
import time
from pathlib import Path
from typing import Any

import requests
from django.conf import settings
from django.db.models import Q

from xero_integration.models import SyncLog, XeroConnection
from xero_integration.periodic import install_schedules
from xero_integration.tasks import queue_due_exports_task

from .measure import Figure
from .processes import Qcluster, Sandbox, descendants, environment, peak_rss_mb
from .world import fill_backlog, open_shop

WORKERS = 3
SALES_PER_CALL = 25  # 50 invoices a call, then their payments in another


def point_at(sandbox: Sandbox) -> dict[str, str]:
    base = sandbox.url
    return {
        "XERO_AUTHORIZE_URL": f"{base}/identity/connect/authorize",
        "XERO_TOKEN_URL": f"{base}/identity/connect/token",
        "XERO_REVOKE_URL": f"{base}/identity/connect/revocation",
        "XERO_CONNECTIONS_URL": f"{base}/Connections",
        "XERO_API_URL": f"{base}/api.xro/2.0",
    }


def useful_call_times(connection: XeroConnection) -> list[datetime.datetime]:
    writes = SyncLog.objects.filter(connection=connection, method__in=["PUT", "POST"])
    accepted = writes.filter(Q(http_status=200) | Q(http_status=201))
    return list(accepted.order_by("created_at").values_list("created_at", flat=True))


def windows(times: list[datetime.datetime], width: datetime.timedelta) -> list[int]:
    """Calls in each full window from the first call on."""
    counts, start = [], times[0]
    while start + width <= times[-1]:
        counts.append(sum(start <= t < start + width for t in times))
        start += width
    return counts


def busiest_window(times: list[datetime.datetime], width: datetime.timedelta) -> int:
    return max(sum(t <= u < t + width for u in times) for t in times)


def ratelimit_figure(run_dir: Path, size: Any, peaks: dict[str, float]) -> Figure:
    window = 60 if size.ratelimit_seconds >= 60 else 10
    # Twice Xero's 60 a minute: what one organisation's exports must keep up with, not
    # what this 2-core machine can build and record at most.
    limit = size.ratelimit_minute * window // 60
    sandbox = Sandbox(run_dir, "--minute-limit", str(limit), "--day-limit", "100000000")
    requests.post(
        f"{sandbox.url}/_sandbox/config", json={"minute_window_seconds": window}, timeout=10
    ).raise_for_status()
    limits = {
        "XERO_MINUTE_LIMIT": str(limit),
        "XERO_MINUTE_WINDOW_SECONDS": str(window),
        "XERO_CONCURRENT_LIMIT": "5",
        **point_at(sandbox),
    }
    original = {name: getattr(settings, name) for name in limits}
    try:
        for name, value in limits.items():
            setattr(settings, name, int(value) if value.isdigit() else value)
        XeroConnection.objects.update(status="disconnected")  # only this organisation
        shop = open_shop("BENCH-RATE", outlets=4, grouping="per_sale", connect=True)
        backlog_calls = int(limit * (size.ratelimit_seconds / window + 3))
        fill_backlog(shop, backlog_calls * SALES_PER_CALL)
        install_schedules()
        cluster = Qcluster(run_dir, environment(Q_WORKERS=str(WORKERS), **limits))
        try:
            queue_due_exports_task()  # the first tick, without waiting for the schedule's
            # The first window is the cluster starting and planning the backlog: measured
            # are the full windows after it.
            deadline = time.monotonic() + size.ratelimit_seconds + 3 * window + 60
            assert shop.connection is not None
            width = datetime.timedelta(seconds=window)
            while time.monotonic() < deadline:
                times = useful_call_times(shop.connection)
                if times and len(windows(times, width)) > size.ratelimit_seconds / window:
                    break
                time.sleep(1)
            peaks["queue worker"] = max(
                [peak_rss_mb(pid) for pid in descendants(cluster.pid)] + [peak_rss_mb(cluster.pid)]
            )
        finally:
            cluster.stop()
    finally:
        for name, value in original.items():
            setattr(settings, name, value)
        sandbox.stop()
    counts = windows(times, width)[1:] if len(times) > 1 else [0]
    refused = SyncLog.objects.filter(connection=shop.connection, http_status=429).count()
    busiest = busiest_window(times, width) if times else 0
    used = statistics.median(counts) / limit
    return Figure(
        name="3 rate-limit use, one organisation",
        ratio=used,
        goal=">= 0.9, never above",
        ok=used >= 0.9 and busiest <= limit and refused == 0,
        detail=(
            f"{statistics.median(counts):.0f} useful calls a window of {limit} ({window} s); "
            f"windows {counts}; busiest {busiest}; {refused} answered 429"
        ),
        values={"windows": counts, "limit": limit, "window_seconds": window, "refused": refused},
    )
