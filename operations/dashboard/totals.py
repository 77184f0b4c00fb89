"""Per outlet and business day: what the POS took beside what Xero holds, in two queries.

POS: the day's sales minus its refunds. Xero: the day's documents Xero accepted,
invoices minus credit notes plus journals (a journal's total is its net takings). A
difference is work still on its way, or failed.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum

from outlets.models import Outlet
from xero_integration.models import DocumentKind, ExportDocument, Sale, SaleType
from xero_integration.sales.money import to_amount

from ..states import sent

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DayTotals:
    outlet: Outlet
    business_date: datetime.date
    currency: str
    pos: Decimal
    xero: Decimal

    @property
    def difference(self) -> Decimal:
        return self.pos - self.xero


def daily_totals(*, now: datetime.datetime) -> list[DayTotals]:
    since = now.date() - datetime.timedelta(days=settings.DASHBOARD_DAYS - 1)
    pos, xero = pos_totals(since), xero_totals(since)
    outlets = Outlet.objects.select_related("merchant").in_bulk({key[0] for key in pos | xero})
    keys = sorted(pos | xero, key=lambda k: (k[1], outlets[k[0]].name), reverse=True)
    return [
        DayTotals(outlets[key[0]], key[1], key[2], pos.get(key, ZERO), xero.get(key, ZERO))
        for key in keys
    ]


def pos_totals(since: datetime.date) -> dict[tuple, Decimal]:
    rows = (
        Sale.objects.filter(business_date__gte=since)
        .values("outlet_id", "business_date", "currency")
        .annotate(
            sold=Sum("total", filter=Q(type=SaleType.SALE)),
            refunded=Sum("total", filter=Q(type=SaleType.REFUND)),
        )
    )
    # SQLite's SUM may drop trailing zeros (12.5): amounts are shown as Xero rounds them.
    return {key(row): to_amount((row["sold"] or ZERO) - (row["refunded"] or ZERO)) for row in rows}


def xero_totals(since: datetime.date) -> dict[tuple, Decimal]:
    rows = (
        ExportDocument.objects.filter(business_date__gte=since, status__in=sent())
        .values("outlet_id", "business_date", "currency")
        .annotate(
            invoices=Sum("total", filter=Q(kind=DocumentKind.INVOICE)),
            credit_notes=Sum("total", filter=Q(kind=DocumentKind.CREDIT_NOTE)),
            journals=Sum("total", filter=Q(kind=DocumentKind.MANUAL_JOURNAL)),
        )
    )
    return {key(row): xero_total(row) for row in rows}


def xero_total(row: dict) -> Decimal:
    takings = (row["invoices"] or ZERO) + (row["journals"] or ZERO)
    return to_amount(takings - (row["credit_notes"] or ZERO))


def key(row: dict) -> tuple:
    return (row["outlet_id"], row["business_date"], row["currency"])
