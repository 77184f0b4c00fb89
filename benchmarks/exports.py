"""Figures 2 and 4: Xero calls per 1,000 sales drained from a backlog against the floor
⌈documents ÷ 50⌉ + ⌈payments ÷ 50⌉, and the service's CPU per sale while draining.

The run is the engine itself (export_connection), in this process, against the sandbox
in its own process: this process's CPU is the service's (the sandbox's is not counted;
with PostgreSQL the database server's is not either, with SQLite it is)."""

import json
import math
import time
from dataclasses import dataclass

import requests
from django.db.models import Q

from xero_integration.exports.engine import export_connection
from xero_integration.models import ExportDocument, ExportStatus, Sale, SyncLog

from .measure import Figure
from .world import Shop, fill_backlog, open_shop

OUTLETS = 20
BATCH = 50
LOST_ANSWER_EVERY = 20  # a lost answer every 20th call: 5%


@dataclass
class Drain:
    sales: int
    documents: int
    payments: int
    calls: int
    cpu_seconds: float
    wall_seconds: float

    @property
    def floor(self) -> int:
        return math.ceil(self.documents / BATCH) + math.ceil(self.payments / BATCH)


def left_to_do(shop: Shop) -> bool:
    unplanned = Sale.objects.filter(merchant=shop.merchant, document__isnull=True).exists()
    unfinished = ExportDocument.objects.filter(outlet__merchant=shop.merchant).filter(
        Q(status__in=[ExportStatus.PENDING, ExportStatus.SENDING])
        | Q(payments_status__in=[ExportStatus.PENDING, ExportStatus.SENDING])
    )
    return unplanned or unfinished.exists()


def lose_an_answer(sandbox_url: str) -> None:
    """The next write's answer is lost after Xero stored it (a dropped connection)."""
    fault = {"kind": "drop_after_store", "count": 1, "method": "PUT"}
    requests.post(f"{sandbox_url}/_sandbox/faults", json=fault, timeout=10).raise_for_status()


def drain(shop: Shop, sandbox_url: str | None, *, seconds: float) -> Drain:
    """Export runs until the backlog is gone; with sandbox_url, 5% of answers are lost."""
    assert shop.connection is not None
    calls = SyncLog.objects.filter(connection=shop.connection)
    before, lost_at = calls.count(), 0
    cpu, wall = time.process_time(), time.perf_counter()
    while left_to_do(shop) and time.perf_counter() - wall < seconds:
        made = calls.count() - before
        if sandbox_url and made - lost_at >= LOST_ANSWER_EVERY:
            lose_an_answer(sandbox_url)
            lost_at = made
        run = export_connection(connection_id=shop.connection.pk)
        if not (run.sent_documents or run.paid_documents or run.planned_sales):
            time.sleep(0.5)  # only documents waiting for the unknown-outcome look-up
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if left_to_do(shop):
        raise RuntimeError(f"{shop.merchant.merchant_id}: backlog not drained in {seconds} s")
    documents = ExportDocument.objects.filter(outlet__merchant=shop.merchant)
    payments = sum(len(json.loads(p or "[]")) for p in documents.values_list("payments", flat=True))
    sales = Sale.objects.filter(merchant=shop.merchant).count()
    return Drain(sales, documents.count(), payments, calls.count() - before, cpu, wall)


def drained_shop(name: str, grouping: str, sales: int, sandbox_url: str | None) -> Drain:
    shop = open_shop(name, outlets=OUTLETS, grouping=grouping, connect=True)
    days = 1 if grouping == "per_sale" else 3
    fill_backlog(shop, sales, days=days)
    return drain(shop, sandbox_url, seconds=600)


def calls_figure(name: str, result: Drain, limit: float | None) -> Figure:
    """Printed only when limit is None (with lost answers there is no goal)."""
    ratio = result.calls / result.floor
    per_1000 = 1000 * result.calls / result.sales
    return Figure(
        name=name,
        ratio=ratio,
        goal=f"<= {limit}" if limit else "printed",
        ok=None if limit is None else ratio <= limit,
        detail=(
            f"{result.calls} calls for {result.sales} sales ({per_1000:.1f}/1,000), floor "
            f"{result.floor} ({result.documents} docs, {result.payments} payments)"
        ),
        values=result.__dict__ | {"floor": result.floor},
    )


def cpu_figure(name: str, result: Drain, goal_ms: float) -> Figure:
    per_sale = 1000 * result.cpu_seconds / result.sales
    return Figure(
        name=name,
        ratio=per_sale / goal_ms,
        goal=f"< {goal_ms} ms/sale",
        ok=per_sale < goal_ms,
        detail=f"{per_sale:.2f} ms CPU a sale ({result.cpu_seconds:.1f} s for {result.sales})",
        values={"cpu_ms_per_sale": per_sale, "sales": result.sales},
    )


def export_figures(sandbox_url: str, *, sales: int) -> list[Figure]:
    per_sale = drained_shop("BENCH-PER-SALE", "per_sale", sales, None)
    summary = drained_shop("BENCH-SUMMARY", "daily_summary", sales, None)
    lossy = drained_shop("BENCH-LOSSY", "per_sale", max(300, sales // 4), sandbox_url)
    return [
        calls_figure("2 Xero calls vs floor, per_sale", per_sale, 1.05),
        calls_figure("2 Xero calls vs floor, daily_summary", summary, 1.05),
        calls_figure("2 Xero calls vs floor, per_sale, 5% lost answers", lossy, None),
        cpu_figure("4 export CPU, per_sale", per_sale, 3.0),
        cpu_figure("4 export CPU, daily_summary", summary, 1.0),
    ]
