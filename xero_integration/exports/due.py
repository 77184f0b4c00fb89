"""What is due: when an outlet's sales are to be planned (by its export frequency), and
which Xero organisations have work to do now. The minute tick (tasks.queue_due_exports_task)
queues an export run for each of those."""

import datetime
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q, QuerySet

from outlets.models import ExportFrequency, ExportSettings, Outlet

from ..models import (
    ConnectionStatus,
    ExportDocument,
    ExportStatus,
    LaterPayment,
    Sale,
    XeroConnection,
)


def is_due(outlet: Outlet, now: datetime.datetime) -> bool:
    settings = outlet.export_settings
    if not (settings.enabled and outlet.is_active):
        return False
    if settings.sync_requested_at is not None or settings.frequency == ExportFrequency.REALTIME:
        return True
    if settings.frequency == ExportFrequency.MANUAL:
        return False
    return settings.next_export_at is None or settings.next_export_at <= now


def next_hour(now: datetime.datetime) -> datetime.datetime:
    return now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)


def next_daily_run(outlet: Outlet, now: datetime.datetime) -> datetime.datetime:
    """The next time the outlet's local clock shows its daily export time."""
    zone = ZoneInfo(outlet.timezone)
    local_now = now.astimezone(zone)
    candidate = datetime.datetime.combine(
        local_now.date(), outlet.export_settings.daily_at, tzinfo=zone
    )
    if candidate <= local_now:
        candidate = datetime.datetime.combine(
            local_now.date() + datetime.timedelta(days=1),
            outlet.export_settings.daily_at,
            tzinfo=zone,
        )
    return candidate


def schedule_next(outlet: Outlet, now: datetime.datetime) -> None:
    """After planning: the next scheduled time, and any request to sync now is served."""
    settings = outlet.export_settings
    if settings.frequency == ExportFrequency.HOURLY:
        settings.next_export_at = next_hour(now)
    elif settings.frequency == ExportFrequency.DAILY:
        settings.next_export_at = next_daily_run(outlet, now)
    settings.save(update_fields=["next_export_at"])
    # Only the request this run saw: one made while it was planning is served next time.
    ExportSettings.objects.filter(
        pk=settings.pk, sync_requested_at=settings.sync_requested_at
    ).update(sync_requested_at=None)


def request_export_now(outlet: Outlet, now: datetime.datetime) -> None:
    """Kept in the database, so a run that is busy now still plans it on its next pass."""
    settings = outlet.export_settings
    settings.sync_requested_at = now
    settings.save(update_fields=["sync_requested_at"])


def connections_with_due_work(now: datetime.datetime) -> set[int]:
    """Active, unclaimed connections with something to plan, send, pay or recover.

    A fixed number of queries however many outlets and sales there are: the minute tick
    must stay well inside its minute with 10,000 outlets (issue 12).
    """
    live = XeroConnection.objects.filter(status=ConnectionStatus.ACTIVE).filter(
        Q(export_claimed_until__isnull=True) | Q(export_claimed_until__lt=now)
    )
    documents = ExportDocument.objects.filter(connection__in=live)
    due_sending = documents.filter(
        Q(status=ExportStatus.PENDING, not_before__lte=now)
        | Q(status=ExportStatus.SENDING)
        | Q(status=ExportStatus.SENT, payments_status=ExportStatus.PENDING, not_before__lte=now)
        | Q(payments_status=ExportStatus.SENDING)
        # Held on a fix: the run releases what a mapping change or a refresh has fixed.
        | Q(status=ExportStatus.WAITING)
        | Q(payments_status=ExportStatus.WAITING)
    )
    due = set(due_sending.values_list("connection_id", flat=True).distinct())
    # A payment registered on an on-account invoice: the run puts it in the payments lane.
    later = unsent_later_payments().filter(sale__document__connection__in=live)
    due |= set(later.values_list("sale__document__connection_id", flat=True))
    return due | connections_with_due_sales(list(live), now)


def unsent_later_payments() -> QuerySet[LaterPayment]:
    """Payments registered on sent invoices whose own payments are settled: read from the
    (small) table of later payments, never by joining every document to its sales."""
    return LaterPayment.objects.filter(
        in_xero_at__isnull=True,
        sale__document__status=ExportStatus.SENT,
        sale__document__payments_status=ExportStatus.SENT,
    )


def connections_with_due_sales(
    connections: list[XeroConnection], now: datetime.datetime
) -> set[int]:
    """The connections serving a due outlet with unplanned sales, in one query: the
    EXISTS probes the (outlet, document) index per outlet instead of scanning every
    unplanned sale."""
    own = {c.pk for c in connections}
    default_of = {c.merchant_id: c.pk for c in connections if c.is_merchant_default}
    unplanned = Sale.objects.filter(outlet=OuterRef("pk"), document__isnull=True)
    outlets = (
        Outlet.objects.filter(
            Q(xero_connection__in=own) | Q(xero_connection__isnull=True, merchant_id__in=default_of)
        )
        .filter(Exists(unplanned))
        .select_related("export_settings")
    )
    due: set[int] = set()
    for outlet in outlets.iterator(chunk_size=2000):
        serving = outlet.xero_connection_id or default_of[outlet.merchant_id]
        if serving not in due and is_due(outlet, now):
            due.add(serving)
    return due


def has_sendable_work(connection_id: int, now: datetime.datetime) -> bool:
    """Documents or payments of the organisation that could be sent (or looked up) now."""
    due_now = Q(not_before__lte=now) & (
        Q(status__in=[ExportStatus.PENDING, ExportStatus.SENDING])
        | Q(status=ExportStatus.SENT, payments_status=ExportStatus.PENDING)
        | Q(payments_status=ExportStatus.SENDING)
    )
    return ExportDocument.objects.filter(due_now, connection_id=connection_id).exists()
