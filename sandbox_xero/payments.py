"""Payments against invoices (ACCRECPAYMENT/ACCPAYPAYMENT) and cash refunds of credit notes
(ARCREDITPAYMENT/APCREDITPAYMENT), following the spec's Payment schema and examples."""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from . import reference, refusals, validation, wire
from .documents import CREDIT_NOTES, INVOICES, Kind
from .wire import JsonObject

MSG_DOCUMENT_MISSING = "A payment must reference an Invoice or a CreditNote."
MSG_DOCUMENT_NOT_FOUND = "The {} '{}' could not be found."
MSG_DOCUMENT_STATUS = "Payments can only be made against AUTHORISED documents."
MSG_ACCOUNT_MISSING = "A payment must give an Account with a Code or an AccountID."
MSG_ACCOUNT_NOT_FOUND = "Account code '{}' is not a valid account for this payment."
MSG_ACCOUNT_TYPE = (
    "Payments can only be made to or from bank accounts or accounts with payments enabled."
)
MSG_AMOUNT_POSITIVE = "Payment amount must be greater than zero."
MSG_AMOUNT_EXCEEDS = "Payment amount exceeds the amount outstanding on this document"
# The sandbox's own wording: no Xero text for this refusal was found (notes §9, "Decimal
# rounding": a payment of a 3 dp amount is rejected, calcinai/xero-php#575).
MSG_AMOUNT_PLACES = "Payment amount must not have more than 2 decimal places."
MSG_DATE = "Date '{}' is not a valid date; use YYYY-MM-DD."
MSG_PERIOD_LOCKED = "The payment date cannot be before the period lock date ({})."
PAYMENT_TYPES = {
    "ACCREC": "ACCRECPAYMENT",
    "ACCPAY": "ACCPAYPAYMENT",
    "ACCRECCREDIT": "ARCREDITPAYMENT",
    "ACCPAYCREDIT": "APCREDITPAYMENT",
}


@dataclass
class Context:
    tenant: JsonObject
    lock_date: date
    refuse_sub_cents: bool = True  # config refuse_sub_cent_payments; off, round to cents


def save(ctx: Context, element: Any) -> tuple[bool, JsonObject]:
    """Return (ok, response element); a valid payment is applied to its document at once."""
    errors = validation.check(validation.PAYMENT, element)
    if errors:
        return False, failed(element, errors)
    kind, doc = _document(ctx.tenant, element, errors)
    account = _account(ctx.tenant, element.get("Account"), errors)
    day = _date(ctx, element.get("Date"), errors)
    amount = _amount(ctx, element.get("Amount"), kind, doc, errors)
    if errors:
        return False, failed(element, errors)
    # Each part left None above recorded its error, so with no errors all are here.
    assert kind is not None and doc is not None and account is not None
    assert day is not None and amount is not None
    payment = _apply(ctx.tenant, kind, doc, account, day, amount, element)
    return True, {**reference.public(payment), "StatusAttributeString": "OK"}


def failed(element: Any, messages: list[str]) -> JsonObject:
    """A refused payment as Xero answers it: zero GUID, .NET date, HasValidationErrors."""
    body = refusals.echo(validation.PAYMENT, element, "PaymentID")
    return refusals.flagged(body, messages, "HasValidationErrors")


def _document(
    tenant: JsonObject, element: JsonObject, errors: list[str]
) -> tuple[Kind | None, JsonObject | None]:
    for kind, key in ((INVOICES, "Invoice"), (CREDIT_NOTES, "CreditNote")):
        ref = element.get(key)
        if ref and (ref.get(kind.id_field) or ref.get(kind.number_field)):
            return kind, _find_document(tenant, kind, ref, errors)
    errors.append(MSG_DOCUMENT_MISSING)
    return None, None


def _find_document(
    tenant: JsonObject, kind: Kind, ref: JsonObject, errors: list[str]
) -> JsonObject | None:
    wanted_id, wanted_number = ref.get(kind.id_field), ref.get(kind.number_field)
    doc = next(
        (
            d
            for d in tenant[kind.store]
            if (wanted_id and d[kind.id_field] == wanted_id)
            or (
                not wanted_id
                and d.get(kind.number_field) == wanted_number
                and d["Status"] not in ("DELETED", "VOIDED")
            )
        ),
        None,
    )
    if doc is None:
        errors.append(MSG_DOCUMENT_NOT_FOUND.format(kind.path[:-1], wanted_id or wanted_number))
    elif doc["Status"] != "AUTHORISED":
        errors.append(MSG_DOCUMENT_STATUS)
    return doc


def _account(tenant: JsonObject, ref: Any, errors: list[str]) -> JsonObject | None:
    if not ref or not (ref.get("Code") or ref.get("AccountID")):
        errors.append(MSG_ACCOUNT_MISSING)
        return None
    account = reference.find_account(tenant, code=ref.get("Code"), account_id=ref.get("AccountID"))
    if account is None or account["Status"] != "ACTIVE":
        errors.append(MSG_ACCOUNT_NOT_FOUND.format(ref.get("Code") or ref.get("AccountID")))
        return None
    if account["Type"] != "BANK" and not account.get("EnablePaymentsToAccount"):
        errors.append(MSG_ACCOUNT_TYPE)
    return account


def _date(ctx: Context, raw: Any, errors: list[str]) -> date | None:
    if raw is None:
        return wire.org_today()
    day = wire.parse_request_date(raw)
    if day is None:
        errors.append(MSG_DATE.format(raw))
    elif day <= ctx.lock_date:
        errors.append(MSG_PERIOD_LOCKED.format(ctx.lock_date.isoformat()))
    return day


def _amount(
    ctx: Context, raw: Any, kind: Kind | None, doc: JsonObject | None, errors: list[str]
) -> Decimal | None:
    if raw is None:
        errors.append(MSG_AMOUNT_POSITIVE)
        return None
    if ctx.refuse_sub_cents and wire.money(raw) != Decimal(raw):
        # Refused, not rounded: a rounded payment would leave the document a cent off.
        errors.append(MSG_AMOUNT_PLACES)
        return None
    amount = wire.money(raw)
    if amount <= 0:
        errors.append(MSG_AMOUNT_POSITIVE)
        return None
    if doc is not None and amount > _outstanding(kind, doc):
        errors.append(MSG_AMOUNT_EXCEEDS)
    return amount


def _outstanding(kind: Kind | None, doc: JsonObject) -> Decimal:
    return doc["AmountDue"] if kind is INVOICES else doc["RemainingCredit"]


def _apply(
    tenant: JsonObject,
    kind: Kind,
    doc: JsonObject,
    account: JsonObject,
    day: date,
    amount: Decimal,
    element: JsonObject,
) -> JsonObject:
    payment: JsonObject = {
        "PaymentID": str(uuid.uuid4()),
        "Date": day.isoformat(),
        "Amount": amount,
        "BankAmount": amount,
        "CurrencyRate": wire.money(1),
        "Reference": element.get("Reference") or "",
        "IsReconciled": bool(element.get("IsReconciled")),
        "Status": "AUTHORISED",
        "PaymentType": PAYMENT_TYPES[doc["Type"]],
        "Account": {
            "AccountID": account["AccountID"],
            "Code": account["Code"],
            "Name": account["Name"],
        },
        ("Invoice" if kind is INVOICES else "CreditNote"): _document_summary(kind, doc),
        "HasAccount": True,
        "HasValidationErrors": False,
        "UpdatedDateUTC": wire.now_ms(),
    }
    tenant["payments"].append(payment)
    _reduce_outstanding(kind, doc, payment)
    return payment


def _document_summary(kind: Kind, doc: JsonObject) -> JsonObject:
    return {
        kind.id_field: doc[kind.id_field],
        kind.number_field: doc.get(kind.number_field),
        "Type": doc["Type"],
        "Contact": doc["Contact"],
    }


def _reduce_outstanding(kind: Kind, doc: JsonObject, payment: JsonObject) -> None:
    amount = payment["Amount"]
    if kind is INVOICES:
        doc["AmountPaid"] += amount
        doc["AmountDue"] -= amount
    else:
        doc["RemainingCredit"] -= amount
    doc["Payments"].append({k: payment[k] for k in ("PaymentID", "Date", "Amount", "Reference")})
    doc["UpdatedDateUTC"] = payment["UpdatedDateUTC"]
    if _outstanding(kind, doc) == 0:
        doc["Status"] = "PAID"
        doc["FullyPaidOnDate"] = payment["Date"]
