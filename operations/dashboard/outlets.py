"""Per merchant and outlet: connection, last export, pending and failed counts, and the
oldest sale still waiting with why it waits.

One query reads every outlet with its counts as subqueries; four more read, for all the
outlets at once, their connections, which have reference data, their mappings, and the
oldest waiting sales. The reasons an outlet cannot export are the readiness reasons
(xero_integration/exports/readiness.py) that can be told in bulk: inactive, disabled,
not connected, needs reconnect, no reference data, mappings missing. Checking mappings
against Xero's chart and number prefixes stays with GET /api/xero/status, per outlet.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from mappings.models import Mapping
from mappings.rules import missing_mappings
from mappings.selectors import merged
from outlets.models import ExportFrequency, ExportGrouping, Outlet
from xero_integration.exports import readiness
from xero_integration.models import (
    ConnectionStatus,
    ExportDocument,
    ExportStatus,
    ReferenceSnapshot,
    Sale,
    XeroConnection,
)

from ..states import failed_document, on_the_way, sale_not_in_xero, sent

WAITS_MANUAL = "Manual export: waits for “Export now” (POST /api/xero/sync)."
WAITS_SCHEDULE = "Waits for the outlet's next {frequency} export, at {at}."
WAITS_DAY_OVER = "Daily summary: waits until its business day is over."
WAITS_NEXT_RUN = "Due: goes out with the next export run (every minute)."
WAITS_RETRY = "Retrying after a transient error, not before {at}: {error}"
WAITS_TO_SEND = "In {number}, waiting to be sent."
WAITS_SENDING = "Being sent in {number}; if Xero's answer was lost, Xero is asked before resending."
WAITS_HELD = "In {number}, held: {error}"


@dataclass
class OutletRow:
    outlet: Outlet
    connection: XeroConnection | None
    pending_sales: int
    pending_documents: int
    failed_documents: int
    last_sent_at: datetime.datetime | None
    reasons: list[str] = field(default_factory=list)
    oldest_waiting: Sale | None = None
    waits_because: str = ""

    @property
    def connection_status(self) -> str:
        if self.connection is None:
            return "Not connected"
        return self.connection.get_status_display()


def outlet_rows(*, now: datetime.datetime) -> list[OutletRow]:
    outlets = list(annotated_outlets())
    connections = serving_connections(outlets)
    fetched = set(
        ReferenceSnapshot.objects.filter(connection__in=list(connections.values()))
        .values_list("connection_id", flat=True)
        .distinct()
    )
    mappings = mappings_by_merchant({outlet.merchant_id for outlet in outlets})
    oldest = Sale.objects.select_related("document").in_bulk(
        [o.oldest_waiting_id for o in outlets if o.oldest_waiting_id]  # type: ignore[attr-defined]
    )
    rows = []
    for outlet in outlets:
        connection = connections.get(outlet.pk)
        row = row_of(outlet, connection)
        row.reasons = reasons(outlet, connection, fetched, mappings[outlet.merchant_id])
        row.oldest_waiting = oldest.get(outlet.oldest_waiting_id)  # type: ignore[attr-defined]
        row.waits_because = why_it_waits(row, now)
        rows.append(row)
    return rows


def count_of(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) per outlet, 0 when there is none."""
    counted = queryset.order_by().values("outlet").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def annotated_outlets() -> QuerySet[Outlet]:
    sales = Sale.objects.filter(outlet=OuterRef("pk"))
    documents = ExportDocument.objects.filter(outlet=OuterRef("pk"))
    waiting = sales.filter(sale_not_in_xero())
    return (
        Outlet.objects.select_related("merchant", "export_settings")
        .annotate(
            pending_sales=count_of(waiting),
            pending_documents=count_of(documents.filter(status__in=on_the_way())),
            failed_documents=count_of(
                documents.filter(failed_document()).exclude(status=ExportStatus.RESOLVED)
            ),
            last_sent_at=Subquery(
                documents.filter(status__in=sent(), sent_at__isnull=False)
                .order_by("-sent_at")
                .values("sent_at")[:1]
            ),
            oldest_waiting_id=Subquery(waiting.order_by("received_at", "pk").values("pk")[:1]),
        )
        .order_by("merchant__name", "merchant_id", "name", "pk")
    )


def serving_connections(outlets: list[Outlet]) -> dict[int, XeroConnection]:
    """Outlet id → the live connection serving it (its own, else its merchant's default)."""
    merchant_ids = {outlet.merchant_id for outlet in outlets}
    own_ids = {outlet.xero_connection_id for outlet in outlets if outlet.xero_connection_id}
    live = XeroConnection.objects.exclude(status=ConnectionStatus.DISCONNECTED)
    found = list(
        live.filter(pk__in=own_ids)
        | live.filter(merchant_id__in=merchant_ids, is_merchant_default=True)
    )
    by_pk = {c.pk: c for c in found}
    defaults = {c.merchant_id: c for c in found if c.is_merchant_default}
    serving = {}
    for outlet in outlets:
        if outlet.xero_connection_id:  # as connection_for: its own, even if that is gone
            connection = by_pk.get(outlet.xero_connection_id)
        else:
            connection = defaults.get(outlet.merchant_id)
        if connection is not None:
            serving[outlet.pk] = connection
    return serving


def mappings_by_merchant(merchant_ids: set[int]) -> dict[int, list[Mapping]]:
    rows = defaultdict(list)
    for mapping in Mapping.objects.filter(merchant_id__in=merchant_ids):
        rows[mapping.merchant_id].append(mapping)
    return rows


def row_of(outlet: Outlet, connection: XeroConnection | None) -> OutletRow:
    return OutletRow(
        outlet=outlet,
        connection=connection,
        pending_sales=outlet.pending_sales,  # type: ignore[attr-defined]
        pending_documents=outlet.pending_documents,  # type: ignore[attr-defined]
        failed_documents=outlet.failed_documents,  # type: ignore[attr-defined]
        last_sent_at=outlet.last_sent_at,  # type: ignore[attr-defined]
    )


def reasons(
    outlet: Outlet,
    connection: XeroConnection | None,
    fetched: set[int],
    merchant_mappings: list[Mapping],
) -> list[str]:
    """The readiness reasons that can be told without a query of their own."""
    found = readiness.outlet_reasons(outlet) + readiness.connection_reasons(connection)
    if connection is not None and connection.pk not in fetched:
        found.append(readiness.NO_REFERENCE_DATA)
    effective = merged(m for m in merchant_mappings if m.outlet_id in (None, outlet.pk))
    if missing_mappings(effective):
        found.append(readiness.MAPPINGS_MISSING)
    return found


def why_it_waits(row: OutletRow, now: datetime.datetime) -> str:
    sale = row.oldest_waiting
    if sale is None:
        return ""
    if row.reasons:
        return " ".join(row.reasons)
    if sale.document is None:
        return unplanned_wait(row.outlet, sale, now)
    return document_wait(sale.document, row.outlet, now)


def unplanned_wait(outlet: Outlet, sale: Sale, now: datetime.datetime) -> str:
    settings = outlet.export_settings
    if settings.sync_requested_at is not None or settings.frequency == ExportFrequency.REALTIME:
        return WAITS_NEXT_RUN
    if settings.frequency == ExportFrequency.MANUAL:
        return WAITS_MANUAL
    if settings.next_export_at is not None and settings.next_export_at > now:
        return WAITS_SCHEDULE.format(
            frequency=settings.get_frequency_display().split(",")[0].lower(),
            at=local(settings.next_export_at, outlet),
        )
    if settings.grouping == ExportGrouping.DAILY_SUMMARY:
        return WAITS_DAY_OVER
    return WAITS_NEXT_RUN


def document_wait(document: ExportDocument, outlet: Outlet, now: datetime.datetime) -> str:
    if document.status == ExportStatus.SENDING:
        return WAITS_SENDING.format(number=document.number)
    if (
        document.status == ExportStatus.PENDING
        and document.last_error
        and document.not_before > now
    ):
        at = local(document.not_before, outlet)
        return WAITS_RETRY.format(at=at, error=document.last_error)
    if document.status == ExportStatus.PENDING:
        return WAITS_TO_SEND.format(number=document.number)
    return WAITS_HELD.format(number=document.number, error=document.last_error)


def local(moment: datetime.datetime, outlet: Outlet) -> str:
    return f"{moment.astimezone(ZoneInfo(outlet.timezone)):%d %b %H:%M %Z}"
