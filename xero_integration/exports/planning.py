"""Putting sales into export documents, before anything is sent.

A sale gets its document here, once: `Sale.document` is set by a conditional UPDATE
(only where it is still empty), so two planners can never put one sale in two
documents, and every sale without a document is picked up by the next run.
"""

import datetime
from collections.abc import Callable, Collection, Iterable
from itertools import groupby

from django.db import transaction
from django.db.models import BigIntegerField, Case, Max, Q, QuerySet, Value, When

from mappings.selectors import effective_mappings
from outlets.business_day import business_date
from outlets.models import ExportFrequency, ExportGrouping, Outlet

from ..models import (
    DocumentKind,
    ExportDocument,
    ExportStatus,
    Sale,
    SaleKey,
    SaleType,
    XeroConnection,
)
from .numbers import day_document_number, sale_document_number

# Sales planned per statement: three parameters each stay within SQLite's limit.
PLAN_CHUNK = 500


def kind_of(sale_type: str) -> str:
    return DocumentKind.CREDIT_NOTE if sale_type == SaleType.REFUND else DocumentKind.INVOICE


def open_business_date(outlet: Outlet, now: datetime.datetime) -> datetime.date:
    settings = outlet.export_settings
    return business_date(now, timezone=outlet.timezone, start_hour=settings.business_day_start_hour)


def sales_to_plan(
    outlet: Outlet, now: datetime.datetime, held: Collection[tuple[str, str]] = ()
) -> QuerySet[Sale]:
    """The outlet's sales without a document that are ready to export.

    Summaries and journals wait until their business day is over; daily exports take only days
    that are over, too (the previous business day and any earlier one left behind).
    A sale holding a `held` (type, key) pair, one nothing maps yet, waits outside any
    document, so the rest go and it follows once the value is mapped.
    """
    sales = Sale.objects.filter(outlet=outlet, document__isnull=True)
    if held:
        unmapped = Q()
        for type_, key in held:
            unmapped |= Q(type=type_, key=key)
        waiting = SaleKey.objects.filter(unmapped, outlet=outlet).values("sale_id")
        sales = sales.exclude(pk__in=waiting)
    settings = outlet.export_settings
    closed_days_only = (
        settings.grouping != ExportGrouping.PER_SALE or settings.frequency == ExportFrequency.DAILY
    )
    if closed_days_only:
        sales = sales.filter(business_date__lt=open_business_date(outlet, now))
    return sales.order_by("business_date", "currency", "type", "occurred_at", "pk")


def claim_sales(document: ExportDocument, sale_ids: list[int]) -> int:
    return Sale.objects.filter(pk__in=sale_ids, document__isnull=True).update(document=document)


def paid_on_account(sale: Sale, on_account: Collection[str]) -> bool:
    return any(p.get("method") in on_account for p in sale.payload.get("payments", []))


def plan_per_sale(
    outlet: Outlet, connection: XeroConnection, sales: Iterable[Sale], on_account: Collection[str]
) -> int:
    """A document for each sale: the documents in one INSERT and the sales claimed in one
    UPDATE per chunk, instead of two statements a sale. One paid on account names its
    customer, whose contact it is made out to (exports/customers.py)."""
    prefix = outlet.export_settings.effective_prefix
    planned, pending = 0, list(sales)
    for start in range(0, len(pending), PLAN_CHUNK):
        chunk = pending[start : start + PLAN_CHUNK]
        documents = ExportDocument.objects.bulk_create(
            ExportDocument(
                outlet=outlet,
                connection=connection,
                kind=kind_of(sale.type),
                grouping=ExportGrouping.PER_SALE,
                number=sale_document_number(prefix, sale.sale_id),
                business_date=sale.business_date,
                currency=sale.currency,
                customer_id=(
                    sale.payload.get("customer_id") or ""
                    if paid_on_account(sale, on_account)
                    else ""
                ),
            )
            for sale in chunk
        )
        planned += claim_each(chunk, documents)
    return planned


def claim_each(sales: list[Sale], documents: list[ExportDocument]) -> int:
    """Each sale into its own document, if no other document has it; a document left
    without its sale is removed (never sent empty)."""
    document_of = Case(
        *(When(pk=s.pk, then=Value(d.pk)) for s, d in zip(sales, documents, strict=True)),
        output_field=BigIntegerField(),
    )
    claimed = Sale.objects.filter(pk__in=[s.pk for s in sales], document__isnull=True).update(
        document=document_of
    )
    if claimed < len(sales):
        ExportDocument.objects.filter(pk__in=[d.pk for d in documents], sales__isnull=True).delete()
    return claimed


def day_document(
    outlet: Outlet,
    connection: XeroConnection,
    grouping: str,
    key: tuple[datetime.date, str, str],
) -> ExportDocument:
    """The day's document (of this grouping, currency and kind) still open for sales, or a
    new (supplementary) one.

    A document that was ever sent, or tried, is closed: a sale arriving after that goes
    into the next sequence, never into an edit of what Xero may already have.
    """
    day, currency, kind = key
    existing = ExportDocument.objects.filter(
        outlet=outlet, grouping=grouping, business_date=day, currency=currency, kind=kind
    )
    # Open: never put in a batch, and for this very organisation.
    still_open = existing.filter(
        connection=connection, status=ExportStatus.PENDING, batch__isnull=True, body=""
    ).first()
    if still_open:
        return still_open
    sequence = (existing.aggregate(Max("sequence"))["sequence__max"] or 0) + 1
    prefix = outlet.export_settings.effective_prefix
    return ExportDocument.objects.create(
        outlet=outlet,
        connection=connection,
        kind=kind,
        grouping=grouping,
        number=day_document_number(prefix, day, currency, kind, sequence),
        business_date=day,
        currency=currency,
        sequence=sequence,
    )


def summary_key(sale: Sale) -> tuple[datetime.date, str, str]:
    return sale.business_date, sale.currency, kind_of(sale.type)


def journal_key(sale: Sale) -> tuple[datetime.date, str, str]:
    # A day's sales and refunds share one journal (refunds are its debits to revenue).
    return sale.business_date, sale.currency, DocumentKind.MANUAL_JOURNAL


DAY_KEYS: dict[str, Callable[[Sale], tuple[datetime.date, str, str]]] = {
    ExportGrouping.DAILY_SUMMARY: summary_key,
    ExportGrouping.DAILY_JOURNAL: journal_key,
}


def plan_days(
    outlet: Outlet, connection: XeroConnection, grouping: str, sales: Iterable[Sale]
) -> int:
    planned = 0
    for key, group in groupby(sales, key=DAY_KEYS[grouping]):
        document = day_document(outlet, connection, grouping, key)
        planned += claim_sales(document, [s.pk for s in group])
    return planned


@transaction.atomic
def plan_outlet(
    *,
    outlet: Outlet,
    connection: XeroConnection,
    now: datetime.datetime,
    held: Collection[tuple[str, str]] = (),
) -> int:
    """Put the outlet's ready sales into documents; returns how many sales were planned.

    A sale paid on account is its own invoice whatever the grouping: it stays open in
    Xero, owed by its customer, until later payments settle it.
    """
    return plan_sales(outlet, connection, list(sales_to_plan(outlet, now, held)))


def plan_sales(outlet: Outlet, connection: XeroConnection, sales: list[Sale]) -> int:
    """Put these sales into documents by the outlet's grouping (sales paid on account
    each in their own)."""
    on_account = effective_mappings(outlet=outlet).on_account_methods()
    grouping = outlet.export_settings.grouping
    if grouping == ExportGrouping.PER_SALE:
        return plan_per_sale(outlet, connection, sales, on_account)
    own = [sale for sale in sales if paid_on_account(sale, on_account)]
    days = [sale for sale in sales if not paid_on_account(sale, on_account)]
    return plan_per_sale(outlet, connection, own, on_account) + plan_days(
        outlet, connection, grouping, days
    )
