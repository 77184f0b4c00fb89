"""Reconciliation: read an outlet's days back from Xero and store each day's result.

The POS side is the sales we received; Xero's side is read from Xero now, by the numbers
of the documents we sent (never from our own records of what we sent). Each outlet-day
is stored as a ReconciliationDay row, the admin calendar and the API read those rows.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from mappings.selectors import effective_mappings
from outlets.models import Outlet

from .. import tasks
from ..exports.planning import open_business_date
from ..models import ExportDocument, ExportStatus, LaterPayment, ReconciliationDay, Sale
from ..sales.money import ZERO
from ..xero.errors import XeroError
from .days import DaySales, judge_day
from .readback import change_of, read_back
from .selectors import stored_days

DayRow = TypeVar("DayRow", Sale, ExportDocument)


def reconcile_outlet(
    *, outlet: Outlet, start: datetime.date, end: datetime.date
) -> list[ReconciliationDay]:
    """Read the outlet's documents of start..end back from Xero and store each day."""
    sales = list(Sale.objects.filter(outlet=outlet, business_date__range=(start, end)))
    documents = list(
        ExportDocument.objects.filter(outlet=outlet, business_date__range=(start, end))
        .select_related("connection", "replacement")
        .order_by("business_date", "number")
    )
    found, unreadable = read_documents(documents)
    sales_of, documents_of = by_day(sales), by_day(documents)
    on_account = frozenset(effective_mappings(outlet=outlet).on_account_methods())
    paid_later = later_payments_by_day(outlet, start, end)
    return [
        store_day(
            outlet,
            day,
            DaySales(sales_of.get(day, []), on_account, paid_later.get(day, ZERO)),
            documents_of.get(day, []),
            found,
            unreadable,
        )
        for day in sorted(sales_of.keys() | documents_of.keys())
    ]


def later_payments_by_day(
    outlet: Outlet, start: datetime.date, end: datetime.date
) -> dict[datetime.date, Decimal]:
    """What was paid since on the sales of each day sold on account (one query)."""
    rows = (
        LaterPayment.objects.filter(sale__outlet=outlet, sale__business_date__range=(start, end))
        .values("sale__business_date")
        .annotate(paid=Sum("amount"))
    )
    return {row["sale__business_date"]: row["paid"] for row in rows}


def by_day(rows: Iterable[DayRow]) -> dict[datetime.date, list[DayRow]]:
    grouped: dict[datetime.date, list[DayRow]] = defaultdict(list)
    for row in rows:
        grouped[row.business_date].append(row)
    return grouped


def read_documents(documents: list[ExportDocument]) -> tuple[dict[int, dict | None], str]:
    """Xero's copy of each sent document, noted on the document; or why Xero was not read."""
    sent = [d for d in documents if d.status == ExportStatus.SENT]
    try:
        found = read_back(sent)
    except XeroError as exc:
        # Shown on each day (amber, with Xero's text) rather than failing the whole answer.
        return {}, exc.message
    now = timezone.now()
    for document in sent:
        if document.pk in found:
            note_read_back(document, found[document.pk], now)
    return found, ""


def note_read_back(document: ExportDocument, element: dict | None, now: datetime.datetime) -> None:
    document.xero_status = (element or {}).get("Status") or "MISSING"
    document.xero_change = change_of(document, element)
    document.xero_checked_at = now
    document.save(update_fields=["xero_status", "xero_change", "xero_checked_at", "updated_at"])


@transaction.atomic
def store_day(
    outlet: Outlet,
    day: datetime.date,
    pos_side: DaySales,
    documents: list[ExportDocument],
    found: dict[int, dict | None],
    unreadable: str,
) -> ReconciliationDay:
    result = asdict(judge_day(day, pos_side, documents, found, unreadable))
    result.pop("business_date")
    row, _ = ReconciliationDay.objects.update_or_create(
        outlet=outlet, business_date=day, defaults={**result, "checked_at": timezone.now()}
    )
    return row


def reconcile_document(*, document: ExportDocument) -> list[ReconciliationDay]:
    """A change to one document in Xero (a webhook event): read its day back again."""
    day = document.business_date
    return reconcile_outlet(outlet=document.outlet, start=day, end=day)


@dataclass(frozen=True)
class ReconciliationAnswer:
    state: str  # "done": read from Xero now; "queued": the worker reads it, these are stored
    task_id: str | None
    days: list[ReconciliationDay]


def reconciliation_for(
    *, outlet: Outlet, start: datetime.date, end: datetime.date
) -> ReconciliationAnswer:
    """Short ranges are read from Xero at once; longer ones by the worker, so a request
    never waits on hundreds of calls held to Xero's 60 a minute."""
    if (end - start).days + 1 <= settings.RECONCILIATION_INLINE_DAYS:
        return ReconciliationAnswer(
            "done", None, reconcile_outlet(outlet=outlet, start=start, end=end)
        )
    task_ids = queue_read_back(outlet=outlet, start=start, end=end)
    return ReconciliationAnswer(
        "queued", task_ids[0], list(stored_days(outlet=outlet, start=start, end=end))
    )


def queue_read_back(
    *, outlet: Outlet, start: datetime.date, end: datetime.date
) -> list[str | None]:
    """Queue the read-back of start..end for the worker, a week a task; their ids."""
    return [
        tasks.queue_reconciliation(outlet_id=outlet.pk, start=first, end=last)
        for first, last in windows(start, end, WINDOW_DAYS)
    ]


# One task reads at most a week: its look-ups (50 numbers a call, 60 calls a minute) stay
# well inside the task timeout, and one slow week does not hold back the others.
WINDOW_DAYS = 7


def windows(
    start: datetime.date, end: datetime.date, days: int
) -> list[tuple[datetime.date, datetime.date]]:
    """start..end cut into spans of at most `days` days, in order."""
    spans, first = [], start
    while first <= end:
        last = min(end, first + datetime.timedelta(days=days - 1))
        spans.append((first, last))
        first = last + datetime.timedelta(days=1)
    return spans


# The days a daily read-back covers, ending with the outlet's last closed business day.
RECENT_DAYS = 7


def recent_days(*, now: datetime.datetime) -> list[tuple[int, datetime.date, datetime.date]]:
    """(outlet id, first day, last day) for every outlet with something sent to Xero."""
    outlets = Outlet.objects.filter(
        export_documents__status=ExportStatus.SENT, export_settings__isnull=False
    ).distinct()
    spans = []
    for outlet in outlets.select_related("export_settings"):
        last = open_business_date(outlet, now) - datetime.timedelta(days=1)
        spans.append((outlet.pk, last - datetime.timedelta(days=RECENT_DAYS - 1), last))
    return spans
