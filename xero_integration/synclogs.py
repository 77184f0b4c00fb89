"""The sync logs: one row per call to Xero (written by xero/calllog.py), read by support
staff and the POS, purged after SYNC_LOG_RETENTION_DAYS."""

import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from outlets.models import Merchant, Outlet

from .models import SyncLog

# What the API's `status` filter means: "failed" answers what needs a person, failed
# calls and batches Xero partly refused.
OUTCOMES = {
    "success": [SyncLog.Outcome.SUCCESS],
    "failed": [SyncLog.Outcome.FAILED, SyncLog.Outcome.PARTIAL],
    "started": [SyncLog.Outcome.STARTED],
}


def of_outlet(outlet: Outlet) -> Q:
    """The outlet's calls: named for it, or a batch of several outlets' documents (or their
    payments, referenced "<number> <method>") holding one of its numbers. Its numbers all
    start with its prefix, unique within the merchant (outlets.services)."""
    prefix = outlet.export_settings.effective_prefix
    # `documents` is a JSON list of strings: each element starts after a quote.
    holds_its_number = Q(outlet__isnull=True, documents__icontains=f'"{prefix}-')
    return Q(outlet=outlet) | holds_its_number


def sync_logs(
    *,
    merchant: Merchant,
    outlet: Outlet | None = None,
    status: str | None = None,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> QuerySet[SyncLog]:
    """The merchant's calls to Xero, newest first; `since` inclusive, `until` exclusive."""
    logs = SyncLog.objects.filter(merchant=merchant).select_related("outlet")
    if outlet is not None:
        logs = logs.filter(of_outlet(outlet))
    if status is not None:
        logs = logs.filter(outcome__in=OUTCOMES[status])
    if since is not None:
        logs = logs.filter(created_at__gte=since)
    if until is not None:
        logs = logs.filter(created_at__lt=until)
    return logs.order_by("-created_at", "-id")


def purge_old_sync_logs(now: datetime.datetime | None = None) -> int:
    """Sync logs older than SYNC_LOG_RETENTION_DAYS go; export records and sales stay."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.SYNC_LOG_RETENTION_DAYS)
    deleted, _ = SyncLog.objects.filter(created_at__lt=cutoff).delete()
    return deleted
