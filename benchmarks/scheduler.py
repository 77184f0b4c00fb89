"""Figure 6: outlets of many merchants all due at the same local hour: how long the minute
tick takes to queue every organisation's export, and its queries per outlet, at a tenth of
the size and at full size (constant per outlet when the two agree)."""

import datetime
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.models import OrmQ

from outlets.models import ExportSettings, Merchant, Outlet
from xero_integration.models import Sale, XeroConnection
from xero_integration.tasks import queue_due_exports_task

from .measure import Figure

OUTLETS_PER_MERCHANT = 10
GOAL_SECONDS = 10.0


def due_merchants(first: int, count: int) -> None:
    """`count` merchants with their outlets, all daily at the same local hour and due now,
    each outlet with a sale not yet exported; written in bulk, the way no user would."""
    now = timezone.now()
    merchants = Merchant.objects.bulk_create(
        Merchant(merchant_id=f"SCHED-{n}", name=f"Scheduled {n}")
        for n in range(first, first + count)
    )
    XeroConnection.objects.bulk_create(
        XeroConnection(
            merchant=m,
            tenant_id=f"tenant-{m.merchant_id}",
            is_merchant_default=True,
            status="active",
        )
        for m in merchants
    )
    outlets = Outlet.objects.bulk_create(
        Outlet(merchant=m, pos_station_id=f"S{n}", name=f"Till {n}", timezone="Australia/Sydney")
        for m in merchants
        for n in range(OUTLETS_PER_MERCHANT)
    )
    ExportSettings.objects.bulk_create(
        ExportSettings(
            outlet=o,
            frequency="daily",
            daily_at=datetime.time(2, 0),
            number_prefix=f"P{o.pos_station_id}",
            next_export_at=now - datetime.timedelta(minutes=1),
        )
        for o in outlets
    )
    Sale.objects.bulk_create(
        Sale(
            merchant_id=o.merchant_id,
            outlet=o,
            sale_id=f"{o.pos_station_id}-1",
            type="sale",
            occurred_at=now,
            business_date=now.date(),
            currency="AUD",
            total="9.00",
            payload={},
            content_hash="x",
        )
        for o in outlets
    )


def tick() -> tuple[float, int, int]:
    """Seconds, queries and organisations queued of one minute tick."""
    OrmQ.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        queued = queue_due_exports_task()
        seconds = time.perf_counter() - started
    OrmQ.objects.all().delete()
    return seconds, len(captured), queued


def scheduler_figure(*, merchants: int) -> Figure:
    XeroConnection.objects.update(status="disconnected")  # only the scheduled merchants
    tenth = max(1, merchants // 10)
    due_merchants(0, tenth)
    small_seconds, small_queries, small_queued = tick()
    due_merchants(tenth, merchants - tenth)
    seconds, queries, queued = tick()
    outlets = merchants * OUTLETS_PER_MERCHANT
    per_outlet = queries / outlets
    per_outlet_small = small_queries / (tenth * OUTLETS_PER_MERCHANT)
    ratio = per_outlet / per_outlet_small
    assert (small_queued, queued) == (tenth, merchants), (small_queued, queued)
    XeroConnection.objects.filter(merchant__merchant_id__startswith="SCHED-").update(
        status="disconnected"  # out of the way of the figures that follow
    )
    return Figure(
        name=f"6 scheduler, {outlets:,} outlets due",
        ratio=ratio,
        goal=f"< {GOAL_SECONDS:.0f} s, queries/outlet ratio ~1",
        ok=seconds < GOAL_SECONDS and ratio <= 1.1,
        detail=(
            f"{seconds:.2f} s to queue {queued:,} organisations; {per_outlet:.3f} queries/outlet "
            f"({queries}) vs {per_outlet_small:.3f} at a tenth ({small_seconds:.2f} s)"
        ),
        values={
            "seconds": seconds,
            "queries": queries,
            "outlets": outlets,
            "queries_per_outlet": per_outlet,
            "queries_per_outlet_tenth": per_outlet_small,
        },
    )
