"""Reads: an outlet's stored reconciliation days, as the API and CSV show them."""

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from config.errors import NotFound
from outlets.models import Outlet

from ..models import ExportDocument, ExportStatus, ReconciliationDay

if TYPE_CHECKING:  # backfill.py imports the services that import these selectors
    from .backfill import BackfillItem, BackfillResult

MSG_NO_DOCUMENT = "Outlet '{outlet}' sent no document numbered '{number}' to Xero."

CSV_FIGURES = ("sales", "refunds", "net", "tax", "paid")
CSV_HEADER = [
    "business_date",
    "status",
    *(f"pos_{name}" for name in CSV_FIGURES),
    *(f"xero_{name}" for name in CSV_FIGURES),
    *(f"difference_{name}" for name in CSV_FIGURES),
    "flags",
    "documents",
    "checked_at",
]


def stored_days(
    *, outlet: Outlet, start: datetime.date, end: datetime.date
) -> QuerySet[ReconciliationDay]:
    return ReconciliationDay.objects.filter(
        outlet=outlet, business_date__range=(start, end)
    ).order_by("business_date")


def day_body(day: ReconciliationDay) -> dict[str, Any]:
    return {
        "business_date": day.business_date,
        "status": day.status,
        "pos": day.pos,
        "xero": day.xero,
        "difference": day.difference,
        "flags": day.flags,
        "documents": day.documents,
        "checked_at": day.checked_at,
    }


def csv_row(day: dict[str, Any]) -> list[str]:
    """One day of the answer as a CSV row (the header is CSV_HEADER)."""
    figures = [
        str(day[side].get(name, ""))
        for side in ("pos", "xero", "difference")
        for name in CSV_FIGURES
    ]
    return [
        str(day["business_date"]),
        day["status"],
        *figures,
        "; ".join(f["detail"] for f in day["flags"]),
        " ".join(d["number"] for d in day["documents"]),
        str(day["checked_at"]),
    ]


def item_body(item: "BackfillItem") -> dict[str, Any]:
    return {
        "business_date": item.business_date,
        "number": item.number,
        "kind": item.kind,
        "total": str(item.total),
        "reason": item.reason,
        "sales": item.sales,
        "lock_date": item.lock_date,
    }


def backfill_body(outlet: Outlet, result: "BackfillResult") -> dict[str, Any]:
    return {
        "pos_station_id": outlet.pos_station_id,
        "dry_run": result.dry_run,
        "days": result.days,
        "to_send": [item_body(item) for item in result.to_send],
        "skipped": [item_body(item) for item in result.skipped],
    }


def sent_document(*, outlet: Outlet, number: str) -> ExportDocument:
    """The outlet's document with this number that reached Xero; NotFound otherwise."""
    document = (
        ExportDocument.objects.filter(outlet=outlet, number=number, status=ExportStatus.SENT)
        .select_related("outlet", "connection", "replaces")
        .first()
    )
    if document is None:
        raise NotFound(MSG_NO_DOCUMENT.format(outlet=outlet.pos_station_id, number=number))
    return document
