"""Field checks written by hand from xero_accounting.yaml v16.1.0 (components.schemas).

Only what the spec states is checked here: JSON types, enums, maxLength and uuid formats of the
fields the service sends. Business rules (accounts exist, totals add up) live in documents.py and
payments.py. Unknown fields are ignored, as Xero ignores them.
"""

import re
from decimal import Decimal
from typing import Any

from .wire import JsonObject

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# A field rule: {"kind": "string" | "number" | …, plus the kind's own keys}.
Rule = dict[str, Any]


def text(max_length: int | None = None, enum: list[str] | None = None) -> Rule:
    return {"kind": "string", "max": max_length, "enum": enum}


NUMBER: Rule = {"kind": "number"}
BOOLEAN: Rule = {"kind": "boolean"}
UUID: Rule = {"kind": "uuid"}


def obj(fields: dict[str, Rule]) -> Rule:
    return {"kind": "object", "fields": fields}


def array(item: Rule) -> Rule:
    return {"kind": "array", "item": item}


# spec Invoice.Type, CreditNote.Type, Invoice.Status, LineAmountTypes, Payment.Status
INVOICE_TYPES = [
    "ACCPAY",
    "ACCPAYCREDIT",
    "APOVERPAYMENT",
    "APPREPAYMENT",
    "ACCREC",
    "ACCRECCREDIT",
    "AROVERPAYMENT",
    "ARPREPAYMENT",
]
CREDIT_NOTE_TYPES = ["ACCPAYCREDIT", "ACCRECCREDIT"]
DOCUMENT_STATUSES = ["DRAFT", "SUBMITTED", "DELETED", "AUTHORISED", "PAID", "VOIDED"]
LINE_AMOUNT_TYPES = ["Exclusive", "Inclusive", "NoTax"]
PAYMENT_STATUSES = ["AUTHORISED", "DELETED"]

TRACKING = obj(
    {"TrackingCategoryID": UUID, "TrackingOptionID": UUID, "Name": text(100), "Option": text(100)}
)  # LineItemTracking
LINE_ITEM = obj(
    {
        "LineItemID": UUID,
        "Description": text(),
        "Quantity": NUMBER,
        "UnitAmount": NUMBER,
        "ItemCode": text(),
        "AccountCode": text(),
        "AccountID": UUID,
        "TaxType": text(),
        "TaxAmount": NUMBER,
        "LineAmount": NUMBER,
        "DiscountRate": NUMBER,
        "DiscountAmount": NUMBER,
        "Tracking": array(TRACKING),
    }
)
CONTACT = obj(
    {
        "ContactID": UUID,
        "ContactNumber": text(50),
        "AccountNumber": text(50),
        "Name": text(255),
        "FirstName": text(255),
        "LastName": text(255),
        "EmailAddress": text(255),
    }
)
_DOCUMENT_COMMON = {
    "Contact": CONTACT,
    "LineItems": array(LINE_ITEM),
    "Date": text(),
    "DueDate": text(),
    "LineAmountTypes": text(enum=LINE_AMOUNT_TYPES),
    "Reference": text(),
    "CurrencyCode": text(),
    "CurrencyRate": NUMBER,
    "Status": text(enum=DOCUMENT_STATUSES),
    "SubTotal": NUMBER,
    "TotalTax": NUMBER,
    "Total": NUMBER,
    "BrandingThemeID": UUID,
}
INVOICE = obj(
    {
        **_DOCUMENT_COMMON,
        "Type": text(enum=INVOICE_TYPES),
        "InvoiceID": UUID,
        "InvoiceNumber": text(255),
        "SentToContact": BOOLEAN,
        "Url": text(),
    }
)
CREDIT_NOTE = obj(
    {
        **_DOCUMENT_COMMON,
        "Type": text(enum=CREDIT_NOTE_TYPES),
        "CreditNoteID": UUID,
        "CreditNoteNumber": text(),
    }
)
# spec ManualJournal / ManualJournalLine
JOURNAL_STATUSES = ["DRAFT", "POSTED", "DELETED", "VOIDED", "ARCHIVED"]
JOURNAL_LINE = obj(
    {
        "LineAmount": NUMBER,
        "AccountCode": text(),
        "AccountID": UUID,
        "Description": text(),
        "TaxType": text(),
        "TaxAmount": NUMBER,
        "Tracking": array(TRACKING),
        "IsBlank": BOOLEAN,
    }
)
MANUAL_JOURNAL = obj(
    {
        "Narration": text(),
        "JournalLines": array(JOURNAL_LINE),
        "Date": text(),
        "LineAmountTypes": text(enum=LINE_AMOUNT_TYPES),
        "Status": text(enum=JOURNAL_STATUSES),
        "Url": text(),
        "ShowOnCashBasisReports": BOOLEAN,
        "ManualJournalID": UUID,
    }
)
ACCOUNT_REF = obj({"AccountID": UUID, "Code": text()})
PAYMENT = obj(
    {
        "Invoice": obj({"InvoiceID": UUID, "InvoiceNumber": text(255)}),
        "CreditNote": obj({"CreditNoteID": UUID, "CreditNoteNumber": text()}),
        "Account": ACCOUNT_REF,
        "Date": text(),
        "Amount": NUMBER,
        "Reference": text(),
        "IsReconciled": BOOLEAN,
        "Status": text(enum=PAYMENT_STATUSES),
        "CurrencyRate": NUMBER,
        "InvoiceNumber": text(),
        "CreditNoteNumber": text(),
    }
)


def check(rule: Rule, value: Any, path: str = "") -> list[str]:
    """Return a list of messages for every place `value` breaks `rule`."""
    checker = _CHECKERS[rule["kind"]]
    return checker(rule, value, path)


def readable(rule: Rule, value: Any) -> Any:
    """The part of `value` that `rule` accepts, or None: what Xero could read of an element.

    Unknown fields and fields that break the rule are left out, and so are list items that
    are not readable at all; what is left is safe to echo in an answer.
    """
    if rule["kind"] == "object":
        return _readable_object(rule, value) if isinstance(value, dict) else None
    if rule["kind"] == "array":
        return _readable_array(rule, value) if isinstance(value, list) else None
    return None if check(rule, value) else value


def _readable_object(rule: Rule, value: JsonObject) -> JsonObject:
    kept = {name: readable(field, value.get(name)) for name, field in rule["fields"].items()}
    return {name: v for name, v in kept.items() if v is not None}


def _readable_array(rule: Rule, value: list[Any]) -> list[Any]:
    kept = (readable(rule["item"], item) for item in value)
    return [item for item in kept if item is not None]


def _check_string(rule: Rule, value: Any, path: str) -> list[str]:
    if not isinstance(value, str):
        return [f"{path} must be a string"]
    if rule["enum"] and value not in rule["enum"]:
        return [
            f"'{value}' is not a valid value for {path}; expected one of " + ", ".join(rule["enum"])
        ]
    if rule["max"] and len(value) > rule["max"]:
        return [f"{path} must not be longer than {rule['max']} characters"]
    return []


def _check_number(rule: Rule, value: Any, path: str) -> list[str]:
    # JSON is parsed with parse_float=Decimal, so numbers arrive as int or Decimal.
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return [f"{path} must be a number"]
    return []


def _check_boolean(rule: Rule, value: Any, path: str) -> list[str]:
    return [] if isinstance(value, bool) else [f"{path} must be true or false"]


def _check_uuid(rule: Rule, value: Any, path: str) -> list[str]:
    if isinstance(value, str) and _UUID.match(value):
        return []
    return [f"{path} must be a valid GUID"]


def _check_object(rule: Rule, value: Any, path: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path or 'The element'} must be an object"]
    errors = []
    for name, field_rule in rule["fields"].items():
        if value.get(name) is not None:
            errors += check(field_rule, value[name], f"{path}.{name}" if path else name)
    return errors


def _check_array(rule: Rule, value: Any, path: str) -> list[str]:
    if not isinstance(value, list):
        return [f"{path} must be an array"]
    errors = []
    for index, item in enumerate(value):
        errors += check(rule["item"], item, f"{path}[{index}]")
    return errors


_CHECKERS = {
    "string": _check_string,
    "number": _check_number,
    "boolean": _check_boolean,
    "uuid": _check_uuid,
    "object": _check_object,
    "array": _check_array,
}
