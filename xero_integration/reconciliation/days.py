"""Judging one outlet-day from its sales, its documents and what Xero holds of them.

Pure: rows and Xero's elements in, a DayResult out. Red is for what Xero changed
(missing, voided, deleted, amount changed, payment removed) and nobody has decided on;
amber for what is not all in Xero yet, or a difference a person accepted.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..exports.context import loads
from ..exports.journals import takings_accounts
from ..models import (
    DayStatus,
    DocumentKind,
    ExportDocument,
    ExportStatus,
    Sale,
    XeroChange,
    XeroChangeDecision,
)
from ..sales.types import sale_from_json
from .figures import (
    COMPARED,
    Figures,
    add_journal,
    amount,
    as_text,
    difference,
    paid,
    pos_figures,
    xero_figures,
)

RED, AMBER = "red", "amber"
PAYMENTS_DONE = (ExportStatus.SENT, ExportStatus.RESOLVED)
MSG_NOT_PLANNED = "{count} sale(s) of the day are not in an export document yet."
MSG_NOT_EXPORTED = "{number} is not in Xero yet ({status}). {error}"
MSG_PAYMENTS_NOT_EXPORTED = "The payments of {number} are not all in Xero yet ({status})."
MSG_RESOLVED = "{number} was marked resolved outside Xero."
MSG_UNREADABLE = "{number} could not be read back from Xero: {reason}"
MSG_NOT_CONNECTED = "its Xero organisation is not connected."
MSG_ACCEPTED = "{number}: {change}; a person accepted it as Xero holds it."
MSG_CHANGED = "{number}: {change}. Re-export it under a new number, or accept it."
MSG_REPLACED = "{number}: {change}; re-exported as {replacement}."
MSG_TOTALS_DIFFER = "Xero's totals differ from the POS's: {figures}."


@dataclass
class DayResult:
    business_date: datetime.date
    status: str
    pos: dict[str, Any]  # figures as text, and "payments": {method: text}
    xero: dict[str, str]
    difference: dict[str, str]
    flags: list[dict] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class DaySales:
    """The POS's side of a day: its sales, the methods paid later, what was paid since."""

    sales: list[Sale]
    on_account: frozenset[str] = frozenset()
    paid_later: Decimal = Decimal("0.00")


def judge_day(
    day: datetime.date,
    pos_side: DaySales,
    documents: list[ExportDocument],
    found: dict[int, dict | None],
    unreadable: str,
) -> DayResult:
    """`found`: Xero's element by document id for every sent document that was read."""
    sales = pos_side.sales
    pos, methods = pos_figures(
        (sale_from_json(s.payload) for s in sales),
        on_account=pos_side.on_account,
        paid_later=pos_side.paid_later,
    )
    xero = xero_side(documents, found)
    diff = difference(pos, xero)
    flags = [*planning_flags(sales), *document_flags(documents, found, unreadable)]
    if not flags and any(diff.values()):
        flags.append(flag(RED, "totals_differ", None, totals_text(diff)))
    return DayResult(
        business_date=day,
        status=status_of(flags),
        pos={**as_text(pos), "payments": as_text(methods)},
        xero=as_text(xero),
        difference=as_text(diff),
        flags=flags,
        documents=[document_row(d, found) for d in documents],
    )


def xero_side(documents: list[ExportDocument], found: dict[int, dict | None]) -> Figures:
    held = [(d, found.get(d.pk)) for d in documents if d.pk in found]
    invoices = [e for d, e in held if e and d.kind == DocumentKind.INVOICE]
    credit_notes = [e for d, e in held if e and d.kind == DocumentKind.CREDIT_NOTE]
    journals = [
        (e, takings_accounts(loads(d.body)))
        for d, e in held
        if e and d.kind == DocumentKind.MANUAL_JOURNAL
    ]
    return xero_figures(invoices, credit_notes, journals)


def flag(severity: str, code: str, number: str | None, detail: str) -> dict:
    return {"severity": severity, "flag": code, "number": number, "detail": detail}


def status_of(flags: list[dict]) -> str:
    severities = {f["severity"] for f in flags}
    return DayStatus.RED if RED in severities else DayStatus.AMBER if flags else DayStatus.GREEN


def planning_flags(sales: list[Sale]) -> list[dict]:
    waiting = sum(1 for sale in sales if sale.document_id is None)
    if not waiting:
        return []
    return [flag(AMBER, "not_planned", None, MSG_NOT_PLANNED.format(count=waiting))]


def document_flags(
    documents: Iterable[ExportDocument], found: dict[int, dict | None], unreadable: str
) -> list[dict]:
    flags = [document_flag(d, found, unreadable) or payments_flag(d) for d in documents]
    return [f for f in flags if f]


def payments_flag(document: ExportDocument) -> dict | None:
    """A document in Xero whose payments are not all there yet."""
    if document.status != ExportStatus.SENT or document.payments_status in PAYMENTS_DONE:
        return None
    status = document.get_payments_status_display()
    detail = MSG_PAYMENTS_NOT_EXPORTED.format(number=document.number, status=status)
    return flag(AMBER, "payments_not_exported", document.number, detail)


def document_flag(
    document: ExportDocument, found: dict[int, dict | None], unreadable: str
) -> dict | None:
    number = document.number
    if document.status == ExportStatus.RESOLVED:
        return flag(AMBER, "resolved_outside_xero", number, MSG_RESOLVED.format(number=number))
    if document.status != ExportStatus.SENT:
        detail = MSG_NOT_EXPORTED.format(
            number=number, status=document.get_status_display(), error=document.last_error
        )
        return flag(AMBER, "not_exported", number, detail.strip())
    if document.pk not in found:
        reason = unreadable or MSG_NOT_CONNECTED
        return flag(
            AMBER, "unreadable", number, MSG_UNREADABLE.format(number=number, reason=reason)
        )
    return change_flag(document)


def change_flag(document: ExportDocument) -> dict | None:
    if not document.xero_change:
        return None
    change, number = XeroChange(document.xero_change).label, document.number
    if document.xero_change_decision == XeroChangeDecision.ACCEPTED:
        return flag(AMBER, "accepted", number, MSG_ACCEPTED.format(number=number, change=change))
    replacement = getattr(document, "replacement", None)
    if replacement is not None:
        # The replacement is a document of the day too: it is judged on its own.
        detail = MSG_REPLACED.format(number=number, change=change, replacement=replacement.number)
        return (
            None
            if replacement.status == ExportStatus.SENT
            else flag(AMBER, "replaced", number, detail)
        )
    return flag(RED, document.xero_change, number, MSG_CHANGED.format(number=number, change=change))


def document_row(document: ExportDocument, found: dict[int, dict | None]) -> dict:
    element = found.get(document.pk)
    replacement = getattr(document, "replacement", None)
    return {
        "number": document.number,
        "kind": document.kind,
        "status": document.status,
        "total": money(document.total),
        "xero_status": (element or {}).get("Status")
        or ("MISSING" if document.pk in found else None),
        "xero_total": xero_total(document, element) if element else None,
        "xero_paid": str(paid(element)) if element else None,
        "change": document.xero_change or None,
        "decision": document.xero_change_decision or None,
        "replaced_by": replacement.number if replacement is not None else None,
    }


def xero_total(document: ExportDocument, element: dict) -> str:
    """A journal has no total in Xero: its takings lines are what it moved (its total here)."""
    if document.kind != DocumentKind.MANUAL_JOURNAL:
        return str(amount(element, "Total"))
    figures = dict.fromkeys(COMPARED, Decimal("0.00"))
    add_journal(figures, element, takings_accounts(loads(document.body)))
    return str(figures["paid"])


def money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def totals_text(diff: dict[str, Decimal]) -> str:
    figures = ", ".join(f"{key} {diff[key]:+}" for key in COMPARED if diff[key])
    return MSG_TOTALS_DIFFER.format(figures=figures)
