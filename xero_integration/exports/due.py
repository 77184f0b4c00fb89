"""What is due: when an outlet's sales are to be planned (by its export frequency), and
which Xero organisations have work to do now. The minute tick (tasks.queue_due_exports_task)
queues an export run for each of those."""

import datetime
from zoneinfo import ZoneInfo

from django.db.models import Q

from outlets.models import ExportFrequency, ExportSettings, Outlet

from ..connection.selectors import outlets_served_by
from ..models import ConnectionStatus, ExportDocument, ExportStatus, Sale, XeroConnection


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
    """Active, unclaimed connections with something to plan, send, pay or recover."""
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
    due = set(due_sending.values_list("connection_id", flat=True))
    for connection in live:
        if connection.pk not in due and has_due_sales(connection, now):
            due.add(connection.pk)
    return due


def has_sendable_work(connection_id: int, now: datetime.datetime) -> bool:
    """Documents or payments of the organisation that could be sent (or looked up) now."""
    due_now = Q(not_before__lte=now) & (
        Q(status__in=[ExportStatus.PENDING, ExportStatus.SENDING])
        | Q(status=ExportStatus.SENT, payments_status=ExportStatus.PENDING)
        | Q(payments_status=ExportStatus.SENDING)
    )
    return ExportDocument.objects.filter(due_now, connection_id=connection_id).exists()


def has_due_sales(connection: XeroConnection, now: datetime.datetime) -> bool:
    unplanned = Sale.objects.filter(document__isnull=True).values("outlet_id")
    for outlet in outlets_served_by(connection).filter(pk__in=unplanned):
        if is_due(outlet, now):
            return True
    return False
