"""Reads: an outlet's stored reconciliation days, as the API and CSV show them."""

import datetime
from typing import Any

from django.db.models import QuerySet

from outlets.models import Outlet

from ..models import ReconciliationDay

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
