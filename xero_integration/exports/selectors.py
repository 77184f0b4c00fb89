"""Reads about exports: the status endpoint's answer (connection, readiness, last syncs,
counts) and the counts a sync request answers with."""

import datetime
from dataclasses import asdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from outlets.models import Merchant, Outlet

from ..connection.selectors import connection_for
from ..models import ExportDocument, ExportStatus, Sale, SyncLog, XeroCallSlot, XeroConnection
from ..xero import ratelimit
from .readiness import readiness
from .warnings import early_warnings


def connection_body(connection: XeroConnection | None) -> dict[str, Any] | None:
    if connection is None:
        return None
    return {
        "status": connection.status,
        "status_reason": connection.status_reason,
        "tenant_id": connection.tenant_id,
        "tenant_name": connection.tenant_name,
        "access_token_expires_at": connection.access_token_expires_at,
        "refresh_token_expires_at": connection.refresh_token_expires_at,
        "last_refreshed_at": connection.last_refreshed_at,
        **export_run(connection),
        **call_budget(connection),
    }


def call_budget(connection: XeroConnection) -> dict[str, int]:
    """The organisation's daily budget of Xero calls, and the calls of the last 24 hours
    (the rate limiter's own slots: the window it keeps the budget over)."""
    since = timezone.now() - ratelimit.DAY
    used = XeroCallSlot.objects.filter(tenant_id=connection.tenant_id, started_at__gt=since)
    return {"daily_call_limit": connection.daily_call_limit, "calls_last_24h": used.count()}


def export_run(connection: XeroConnection) -> dict[str, Any]:
    """Whether an export run holds the organisation now, since when, and whether its
    claim is stale (its worker stopped renewing it: the next run takes it over)."""
    now = timezone.now()
    held = bool(connection.export_claim_token)
    stale = held and (
        connection.export_claimed_until is None or connection.export_claimed_until < now
    )
    return {
        "export_running_since": connection.export_started_at if held and not stale else None,
        "export_claim_stale_since": connection.export_claimed_until if stale else None,
        "stale_claim_recovered_at": connection.stale_claim_recovered_at,
    }


def last_sync_at(
    merchant: Merchant, outlet: Outlet | None, outcomes: list[str]
) -> datetime.datetime | None:
    logs = SyncLog.objects.filter(merchant=merchant, outcome__in=outcomes)
    if outlet is not None:
        # Calls about the merchant as a whole (token refreshes) count for every outlet.
        logs = logs.filter(Q(outlet=outlet) | Q(outlet__isnull=True))
    return logs.order_by("-created_at").values_list("created_at", flat=True).first()


def last_export_at(merchant: Merchant, outlet: Outlet | None) -> datetime.datetime | None:
    documents = ExportDocument.objects.filter(outlet__merchant=merchant, sent_at__isnull=False)
    if outlet is not None:
        documents = documents.filter(outlet=outlet)
    return documents.order_by("-sent_at").values_list("sent_at", flat=True).first()


def export_status(*, merchant: Merchant, outlet: Outlet | None) -> dict[str, Any]:
    connection = connection_for(merchant=merchant, outlet=outlet)
    ready = readiness(merchant=merchant, outlet=outlet, connection=connection)
    return {
        "merchant_id": merchant.merchant_id,
        "pos_station_id": outlet.pos_station_id if outlet else None,
        "can_export": ready.can_export,
        "reasons": ready.reasons,
        "connection": connection_body(connection),
        # An export Xero accepted, not any call that succeeded (a refresh of its accounts).
        "last_successful_sync_at": last_export_at(merchant, outlet),
        "last_failed_sync_at": last_sync_at(
            merchant, outlet, [SyncLog.Outcome.FAILED, SyncLog.Outcome.PARTIAL]
        ),
        **export_counts(merchant, outlet),
        "missing_mappings": ready.missing_mappings,
        "invalid_mappings": ready.invalid_mappings,
        "unmapped_keys": ready.unmapped_keys,
        "warnings": [
            asdict(w)
            for w in early_warnings(merchant=merchant, outlet=outlet, connection=connection)
        ],
    }


def export_counts(merchant: Merchant, outlet: Outlet | None) -> dict[str, int]:
    """Sales not yet in Xero and documents that need a person, each counted from an index
    (no join over all of an outlet's sales and documents)."""
    outlets = (
        [outlet.pk] if outlet is not None else list(merchant.outlets.values_list("pk", flat=True))
    )
    documents = ExportDocument.objects.filter(outlet__in=outlets)
    failed = Q(status=ExportStatus.FAILED) | Q(payments_status=ExportStatus.FAILED)
    waiting = Q(status=ExportStatus.WAITING) | Q(payments_status=ExportStatus.WAITING)
    return {
        # By the documents' own index: their sales, not the outlet's whole history.
        "exported_sales": Sale.objects.filter(
            document__in=documents.filter(status=ExportStatus.SENT)
        ).count(),
        "pending_sales": pending_sales(outlets, documents),
        "pending_exports": documents.filter(
            status__in=[ExportStatus.PENDING, ExportStatus.SENDING]
        ).count(),
        "failed_exports": documents.filter(failed).exclude(status=ExportStatus.RESOLVED).count(),
        "waiting_exports": documents.filter(waiting).count(),
    }


def pending_sales(outlets: list[int], documents: QuerySet[ExportDocument]) -> int:
    """Sales in no document yet (the (outlet, document) index), plus those in documents not
    yet in Xero (found by the documents' (outlet, status) index, then each one's sales):
    never a join of every sale of the outlet with its document."""
    unplanned = Sale.objects.filter(outlet__in=outlets, document__isnull=True).count()
    unsent = [ExportStatus.PENDING, ExportStatus.SENDING, ExportStatus.WAITING]
    in_flight = documents.filter(status__in=unsent).aggregate(sales=Count("sales"))["sales"]
    return unplanned + in_flight


def outlets_in_scope(merchant: Merchant, outlet: Outlet | None) -> list[Outlet]:
    """The outlet, or every outlet of the merchant."""
    if outlet is not None:
        return [outlet]
    return list(merchant.outlets.select_related("export_settings"))


def pending_counts(outlet: Outlet) -> dict[str, int]:
    """Sales not yet in a document, and documents on their way to Xero."""
    return {
        "unplanned_sales": Sale.objects.filter(outlet=outlet, document__isnull=True).count(),
        "pending_documents": ExportDocument.objects.filter(
            outlet=outlet, status__in=[ExportStatus.PENDING, ExportStatus.SENDING]
        ).count(),
    }
