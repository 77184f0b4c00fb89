"""What a document needs to know about its outlet, read from the database once per batch."""

import hashlib
from dataclasses import asdict
from typing import Any
from zoneinfo import ZoneInfo

import simplejson

from mappings.models import SpecialKind
from mappings.selectors import effective_mappings, mappings_state
from outlets.models import ExportGrouping, Outlet

from ..connection.selectors import latest_refresh, organisation_data
from ..models import ExportDocument, LaterPayment, ReferenceKind, ReferenceRecord, XeroConnection
from ..sales.types import sale_from_json
from .builders import (
    BuiltDocument,
    ExportContext,
    LaterPaymentData,
    UnmappedError,
    build_sale_document,
    build_summary_document,
)
from .customers import customer_contact
from .journals import build_journal_document
from .lock_dates import lock_rule

NO_CONTACT = "No Xero contact for walk-in sales is mapped (special mapping 'contact')."


def contact_for(connection: XeroConnection, name: str) -> dict:
    """Xero's ContactID when the cache knows the name; else the name, which Xero resolves."""
    record = ReferenceRecord.objects.filter(
        connection=connection, kind=ReferenceKind.CONTACTS, name__iexact=name, status="ACTIVE"
    ).first()
    return {"ContactID": record.xero_id} if record else {"Name": name}


def export_context(*, outlet: Outlet, connection: XeroConnection) -> ExportContext:
    """The outlet's effective mappings, prefix, timezone and walk-in contact (raises
    UnmappedError when no contact is mapped)."""
    mappings = effective_mappings(outlet=outlet)
    contact_name = mappings.special.get(SpecialKind.CONTACT)
    if not contact_name:
        raise UnmappedError(NO_CONTACT)
    return ExportContext(
        number_prefix=outlet.export_settings.effective_prefix,
        timezone=outlet.timezone,
        mappings=mappings,
        contact=contact_for(connection, contact_name),
        lock=lock_rule(outlet, connection),
        base_currency=organisation_data(connection).get("BaseCurrency") or "",
    )


class Contexts:
    """Each outlet's export context and its fingerprint, read once per export run (not
    per document or batch). Whether the merchant's mappings or the connection's reference
    data changed is asked again at each batch (two small queries per merchant), so a body
    is never built from mappings older than its batch."""

    def __init__(self) -> None:
        self._by_outlet: dict[int, tuple[tuple[Any, ...], ExportContext, str]] = {}
        self._stamps: dict[tuple[int, int], tuple[str, Any]] = {}

    def start_batch(self) -> None:
        self._stamps.clear()

    def stamp(self, document: ExportDocument) -> tuple[str, Any]:
        key = (document.outlet.merchant_id, document.connection_id)
        if key not in self._stamps:
            self._stamps[key] = (
                mappings_state(merchant_id=document.outlet.merchant_id),
                latest_refresh(connection=document.connection),
            )
        return self._stamps[key]

    def of(self, document: ExportDocument) -> tuple[ExportContext, str]:
        # The outlet (timezone, prefix) is read afresh with each batch's documents.
        outlet = document.outlet
        stamp = (*self.stamp(document), outlet.timezone, outlet.export_settings.effective_prefix)
        known = self._by_outlet.get(document.outlet_id)
        if known is None or known[0] != stamp:
            ctx = export_context(outlet=document.outlet, connection=document.connection)
            known = self._by_outlet[document.outlet_id] = (stamp, ctx, fingerprint(ctx))
        return known[1], known[2]


def fingerprint(ctx: ExportContext) -> str:
    """Changes whenever anything a document is built from (besides its sales) changes."""
    inputs = {
        **asdict(ctx.mappings),
        "contact": ctx.contact,
        "timezone": ctx.timezone,
        "lock": ctx.lock.key,
    }
    text = simplejson.dumps(inputs, use_decimal=True, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def build_document(document: ExportDocument, ctx: ExportContext) -> BuiltDocument:
    """Build the Xero JSON of a planned document from its sales and the outlet's context."""
    # In Sale.Meta.ordering (occurred_at, id), as the batch prefetches them (delivery.claim).
    sales = [sale_from_json(s.payload) for s in document.sales.all()]
    if document.customer_id:
        return build_sale_document(
            sales[0],
            ctx,
            number=document.number,
            customer_contact=customer_contact(document.connection, document.customer_id),
            later=later_payments(document),
        )
    if document.grouping == ExportGrouping.PER_SALE:
        return build_sale_document(sales[0], ctx, number=document.number)
    if document.grouping == ExportGrouping.DAILY_JOURNAL:
        return build_journal_document(
            sales,
            ctx,
            day=document.business_date,
            sequence=document.sequence,
            number=document.number,
        )
    return build_summary_document(
        sales, ctx, day=document.business_date, sequence=document.sequence, number=document.number
    )


def later_payments(document: ExportDocument) -> list[LaterPaymentData]:
    """Payments registered since the on-account sale, in the outlet's dates."""
    zone = ZoneInfo(document.outlet.timezone)
    return [
        LaterPaymentData(p.payment_id, p.method, p.amount, p.paid_at.astimezone(zone).date())
        for p in LaterPayment.objects.filter(sale__document=document).order_by("paid_at", "pk")
    ]


def dumps(value: Any) -> str:
    return simplejson.dumps(value, use_decimal=True)


def loads(text: str) -> Any:
    return simplejson.loads(text, use_decimal=True)
