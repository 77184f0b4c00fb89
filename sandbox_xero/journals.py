"""Manual journals (spec ManualJournal, ManualJournalLine; notes §5.4): validate, store.

Debits are positive and credits negative ("LineAmount: total for line. Debits are positive,
credits are negative value"), and a journal is refused unless they cancel out, with Xero's
own text (spec response example: "The total debits (100.00) must equal total credits
(-10.00)"). Lines name an active account, a tax type that account's class may take, and
tracking as on invoices (lines.py). Narrations are not unique in Xero, so nor are they here:
the client must look a journal up before sending it again.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from . import lines, reference, refusals, validation, wire
from .wire import JsonObject

STORE = "manual_journals"
MSG_NARRATION = "Narration is required."
MSG_STATUS = "Manual journals can only be created with Status DRAFT or POSTED."
# The sandbox's wording for reported, unconfirmed rules (notes §5.4).
MSG_TWO_LINES = "A manual journal must have at least two journal lines."
MSG_LINE_AMOUNT = "Each journal line must have a LineAmount."
MSG_UNBALANCED = "The total debits ({}) must equal total credits ({})"
MSG_DATE = "Date '{}' is not a valid date; use YYYY-MM-DD."
MSG_PERIOD_LOCKED = "The journal date cannot be before the period lock date ({})."
CREATABLE_STATUSES = ("DRAFT", "POSTED")


@dataclass
class Context:
    tenant: JsonObject
    lock_date: date


def journals_of(tenant: JsonObject) -> list[JsonObject]:
    # A state file written before journals existed has no list yet.
    stored: list[JsonObject] = tenant.setdefault(STORE, [])
    return stored


def save(ctx: Context, element: Any) -> tuple[bool, JsonObject]:
    """Return (ok, response element)."""
    errors = validation.check(validation.MANUAL_JOURNAL, element)
    if errors:
        return False, failed(element, errors)
    header = _header(ctx, element, errors)
    amount_types = element.get("LineAmountTypes") or "NoTax"
    built = [
        _line(ctx.tenant, raw, amount_types, errors) for raw in element.get("JournalLines") or []
    ]
    if len(built) < 2:
        errors.append(MSG_TWO_LINES)
    if not errors:
        errors += _balance(built)
    if errors:
        return False, failed(element, errors)
    journal = {
        "ManualJournalID": str(uuid.uuid4()),
        **header,
        "LineAmountTypes": amount_types,
        "JournalLines": built,
        "ShowOnCashBasisReports": element.get("ShowOnCashBasisReports", True),
        "HasAttachments": False,
        "UpdatedDateUTC": wire.now_ms(),
    }
    journals_of(ctx.tenant).append(journal)
    return True, {**reference.public(journal), "StatusAttributeString": "OK"}


def failed(element: Any, messages: list[str]) -> JsonObject:
    body = refusals.echo(validation.MANUAL_JOURNAL, element, "ManualJournalID")
    return refusals.flagged(body, messages, "HasErrors")


def _header(ctx: Context, element: JsonObject, errors: list[str]) -> JsonObject:
    narration = (element.get("Narration") or "").strip()
    if not narration:
        errors.append(MSG_NARRATION)
    status = element.get("Status") or "DRAFT"
    if status not in CREATABLE_STATUSES:
        errors.append(MSG_STATUS)
    day = wire.parse_request_date(element["Date"]) if element.get("Date") else wire.org_today()
    if day is None:
        errors.append(MSG_DATE.format(element.get("Date")))
    elif status == "POSTED" and day <= ctx.lock_date:
        errors.append(MSG_PERIOD_LOCKED.format(ctx.lock_date.isoformat()))
    return {"Narration": narration, "Status": status, "Date": day.isoformat() if day else None}


def _line(tenant: JsonObject, raw: JsonObject, amount_types: str, errors: list[str]) -> JsonObject:
    account, tax_type, rate, tracking = lines.resolve_codes(tenant, raw, amount_types, True, errors)
    if raw.get("LineAmount") is None:
        errors.append(MSG_LINE_AMOUNT)
    amount = wire.money(raw.get("LineAmount") or 0)
    tax = lines.given_or_computed_tax(raw, amount, rate, amount_types)
    line: JsonObject = {
        "LineAmount": amount,
        "Description": raw.get("Description") or "",
        "TaxType": tax_type,
        "TaxAmount": tax,
        "Tracking": tracking,
        "IsBlank": False,
    }
    if account:
        line.update(AccountCode=account["Code"], AccountID=account["AccountID"])
    return line


def _balance(built: list[JsonObject]) -> list[str]:
    debits = sum((line["LineAmount"] for line in built if line["LineAmount"] > 0), Decimal("0.00"))
    credits = sum((line["LineAmount"] for line in built if line["LineAmount"] < 0), Decimal("0.00"))
    return [] if debits + credits == 0 else [MSG_UNBALANCED.format(debits, credits)]
