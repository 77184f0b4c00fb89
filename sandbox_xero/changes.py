"""What a person does to a document in Xero's own screens, for the reconciliation tests:
void or delete it, remove its payments, edit its total. Each change is followed by the
webhook event Xero would send (webhooks.py), when a webhook URL is configured. A manual
journal ("kind": "manual_journal", "number": its narration) can be voided or deleted too;
Xero sends no webhook event for journals (its webhooks cover invoices, credit notes and
contacts), so none is sent for it.

Xero voids only a document without payments ("Remove and Redo" first); the control does
both in one step, as a person would before voiding.
"""

from decimal import Decimal
from typing import Any

from . import documents, journals, wire
from .wire import JsonObject

STATUSES = ("VOIDED", "DELETED")
MSG_STATUS = "status must be VOIDED or DELETED"
MSG_UNKNOWN = "No document numbered {} in this tenant."


class ChangeError(ValueError):
    pass


def kind_of(body: JsonObject) -> documents.Kind:
    return documents.CREDIT_NOTES if body.get("kind") == "credit_note" else documents.INVOICES


def change_document(tenant: JsonObject, body: JsonObject) -> JsonObject:
    """Apply the requested change to the document with `number`; returns it."""
    kind = kind_of(body)
    doc = next(
        (d for d in tenant[kind.store] if d.get(kind.number_field) == body.get("number")), None
    )
    if doc is None:
        raise ChangeError(MSG_UNKNOWN.format(body.get("number")))
    status = body.get("status")
    if status is not None and status not in STATUSES:
        raise ChangeError(MSG_STATUS)
    if body.get("remove_payments") or status:
        remove_payments(tenant, kind, doc)
    if body.get("total") is not None:
        set_total(kind, doc, wire.money(body["total"]))
    if status:
        doc["Status"] = status
    doc["UpdatedDateUTC"] = wire.now_ms()
    return doc


JOURNAL = "manual_journal"


def is_journal(body: JsonObject) -> bool:
    return body.get("kind") == JOURNAL


def change_journal(tenant: JsonObject, body: JsonObject) -> JsonObject:
    """Void or delete the live journal with this narration (narrations are not unique in
    Xero; a person changes the one they see, not one already voided)."""
    status = body.get("status")
    if status not in STATUSES:
        raise ChangeError(MSG_STATUS)
    live = [
        j
        for j in journals.journals_of(tenant)
        if j.get("Narration") == body.get("number") and j["Status"] not in STATUSES
    ]
    if not live:
        raise ChangeError(MSG_UNKNOWN.format(body.get("number")))
    journal = live[0]
    journal.update(Status=status, UpdatedDateUTC=wire.now_ms())
    return journal


def journal_summary(journal: JsonObject) -> dict[str, Any]:
    return {
        "id": journal["ManualJournalID"],
        "number": journal["Narration"],
        "status": journal["Status"],
        "category": "MANUALJOURNAL",
    }


def remove_payments(tenant: JsonObject, kind: documents.Kind, doc: JsonObject) -> None:
    """Payments are deleted (Status DELETED) and the document owes its total again."""
    ids = {p["PaymentID"] for p in doc["Payments"]}
    for payment in tenant["payments"]:
        if payment["PaymentID"] in ids:
            payment["Status"] = "DELETED"
            payment["UpdatedDateUTC"] = wire.now_ms()
    doc["Payments"] = []
    doc.pop("FullyPaidOnDate", None)
    if kind is documents.INVOICES:
        doc.update(AmountPaid=wire.money(0), AmountDue=doc["Total"], Status="AUTHORISED")
    else:
        doc.update(RemainingCredit=doc["Total"], Status="AUTHORISED")


def set_total(kind: documents.Kind, doc: JsonObject, total: Decimal) -> None:
    doc["Total"] = total
    if kind is documents.INVOICES:
        doc["AmountDue"] = total - doc["AmountPaid"]
    else:
        doc["RemainingCredit"] = total


def public_summary(kind: documents.Kind, doc: JsonObject) -> dict[str, Any]:
    return {
        "id": doc[kind.id_field],
        "number": doc.get(kind.number_field),
        "status": doc["Status"],
        "total": doc["Total"],
        "category": "INVOICE" if kind is documents.INVOICES else "CREDITNOTE",
    }
