"""Where one sale is on its way to Xero, for the POS developer asking about it.

Read from the sale's document when it has one (its state is the document's), and from
readiness and the sale's own mapping keys when it has none yet, so the answer says why
it waits in the words the status endpoint and the admin use.
"""

from typing import Any

from mappings.models import MappingType
from mappings.selectors import effective_mappings
from outlets.models import ExportGrouping

from ..connection.links import short_code, xero_link
from ..connection.selectors import connection_for
from ..models import ErrorSource, ExportDocument, ExportStatus, Sale
from .readiness import UNMAPPED_REASONS, readiness

WAITING, QUEUED, IN_DOCUMENT, SENT, FAILED, RESOLVED = (
    "waiting",
    "queued",
    "in_document",
    "sent",
    "failed",
    "resolved",
)
QUEUED_REASON = "Goes to Xero with the outlet's next export ({frequency})."
SUMMARY_REASON = "Goes to Xero in the summary of business day {day}, once that day is over."
ON_ITS_WAY = "In document {number}, on its way to Xero."
PAYMENTS_FAILED = "Xero has document {number}, but its payments failed: {error}"


def sale_state(*, sale: Sale) -> dict[str, Any]:
    document = sale.document
    state = document_state(document) if document else unplanned_state(sale)
    return {
        "sale_id": sale.sale_id,
        "pos_station_id": sale.outlet.pos_station_id,
        "type": sale.type,
        "total": sale.total,
        "currency": sale.currency,
        "business_date": sale.business_date,
        **state,
        "document": document_body(document) if document else None,
    }


def answer(state: str, reasons: list[str], source: str | None = None) -> dict[str, Any]:
    return {"state": state, "reasons": reasons, "reason_source": source if reasons else None}


def unplanned_state(sale: Sale) -> dict[str, Any]:
    """Not in a document yet: blocked (readiness, or a value of its own nothing maps) or
    simply waiting for the outlet's schedule."""
    outlet = sale.outlet
    connection = connection_for(merchant=outlet.merchant, outlet=outlet)
    ready = readiness(merchant=outlet.merchant, outlet=outlet, connection=connection)
    mappings = effective_mappings(outlet=outlet)
    unmapped = [
        UNMAPPED_REASONS[MappingType(key.type)].format(key=key.key)
        for key in sale.mapping_keys.order_by("type", "key")
        if mappings.resolve(key.type, key.key) is None
    ]
    if ready.reasons or unmapped:
        return answer(WAITING, ready.reasons + unmapped, ErrorSource.OURS)
    settings = outlet.export_settings
    if settings.grouping == ExportGrouping.DAILY_SUMMARY:
        return answer(QUEUED, [SUMMARY_REASON.format(day=sale.business_date.isoformat())])
    return answer(QUEUED, [QUEUED_REASON.format(frequency=settings.get_frequency_display())])


def document_state(document: ExportDocument) -> dict[str, Any]:
    status, payments = document.status, document.payments_status
    source = document.error_source or ErrorSource.OURS
    if status == ExportStatus.RESOLVED:
        return answer(RESOLVED, [])
    if status == ExportStatus.FAILED:
        return answer(FAILED, [document.last_error], source)
    if status == ExportStatus.WAITING:
        return answer(WAITING, [document.last_error], source)
    if status != ExportStatus.SENT:
        return answer(IN_DOCUMENT, [ON_ITS_WAY.format(number=document.number)])
    if payments == ExportStatus.FAILED:
        error = PAYMENTS_FAILED.format(number=document.number, error=document.last_error)
        return answer(FAILED, [error], source)
    return answer(SENT, [])


def document_body(document: ExportDocument) -> dict[str, Any]:
    code = short_code(document.connection) if document.xero_id else ""
    return {
        "number": document.number,
        "kind": document.kind,
        "status": document.status,
        "payments_status": document.payments_status,
        "sent_at": document.sent_at,
        "xero_id": document.xero_id or None,
        "xero_url": xero_link(
            kind=document.kind, xero_id=document.xero_id, organisation_short_code=code
        )
        or None,
    }


SALE_NOT_FOUND = "No sale '{sale_id}' for merchant '{merchant_id}'."


def find_sale(*, merchant_id: int, sale_id: str) -> Sale | None:
    sales = Sale.objects.select_related("outlet__merchant", "outlet__export_settings", "document")
    return sales.filter(merchant_id=merchant_id, sale_id=sale_id).first()
