"""What the clock asks of the exporter: queue due exports every minute, purge old logs."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ..jobs import queue_export
from ..models import ConnectionStatus, ExportDocument, ExportStatus, Sale, SyncLog, XeroConnection
from .engine import outlets_served_by
from .schedule import is_due


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
    )
    due = set(due_sending.values_list("connection_id", flat=True))
    for connection in live:
        if connection.pk not in due and has_due_sales(connection, now):
            due.add(connection.pk)
    return due


def has_due_sales(connection: XeroConnection, now) -> bool:
    unplanned = Sale.objects.filter(document__isnull=True).values("outlet_id")
    for outlet in outlets_served_by(connection).filter(pk__in=unplanned):
        if is_due(outlet, now):
            return True
    return False


def queue_due_exports(now: datetime.datetime | None = None) -> int:
    """Run every minute: one export task per organisation that has work due."""
    due = connections_with_due_work(now or timezone.now())
    for connection_id in due:
        queue_export(connection_id=connection_id)
    return len(due)


def purge_old_sync_logs(now: datetime.datetime | None = None) -> int:
    """Sync logs older than SYNC_LOG_RETENTION_DAYS go; export records and sales stay."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.SYNC_LOG_RETENTION_DAYS)
    deleted, _ = SyncLog.objects.filter(created_at__lt=cutoff).delete()
    return deleted
