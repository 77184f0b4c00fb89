"""What Xero answers for an element it refused: the element as Xero read it, in Xero's shape.

An element of a summarizeErrors=false batch that Xero refuses (and each element of the
summarised 400) comes back filled in the way Xero fills a stored one (spec Invoice,
CreditNote and Payment schemas and their response examples; notes §4):
- its id is the zero GUID, since nothing was stored;
- its dates are .NET JSON dates with their DateString (notes §9, "Dates and timezones"),
  never the ISO text the caller sent, which SDKs cannot parse in these fields;
- a document carries the line amounts, tax and totals Xero computed from its lines;
- HasErrors (HasValidationErrors on a payment), StatusAttributeString "ERROR" and the
  ValidationErrors.
Fields Xero could not read (unknown, or of the wrong type) are left out.
"""

from decimal import Decimal
from typing import Any

from . import lines, reference, validation, wire
from .wire import JsonObject

ZERO_GUID = "00000000-0000-0000-0000-000000000000"
DATE_FIELDS = ("Date", "DueDate")


def echo(rule: validation.Rule, element: Any, id_field: str) -> JsonObject:
    """The readable part of the element, with the zero GUID for an id it did not give."""
    body: JsonObject = validation.readable(rule, element) or {}
    body.setdefault(id_field, ZERO_GUID)
    for field in DATE_FIELDS:
        _read_date(body, field)
    return body


def _read_date(body: JsonObject, field: str) -> None:
    # As YYYY-MM-DD, which reference.public turns into /Date(…)/ and its DateString.
    if field not in body:
        return
    day = wire.parse_request_date(body[field])
    if day is None:
        del body[field]  # not a date Xero could read, so not one it would echo
    else:
        body[field] = day.isoformat()


def priced_lines(
    tenant: JsonObject, raw_lines: list[JsonObject], amount_types: str, unitdp: int
) -> list[JsonObject]:
    """Each line with the amounts Xero works out, as far as the line allows."""
    return [_priced(tenant, raw, amount_types, unitdp) for raw in raw_lines]


def _priced(tenant: JsonObject, raw: JsonObject, amount_types: str, unitdp: int) -> JsonObject:
    quantity, unit, line_amount = lines.amounts(raw, unitdp, [])
    line_amount = line_amount if line_amount is not None else wire.money(0)
    given_tax = raw.get("TaxAmount")
    tax = (
        wire.money(given_tax)
        if given_tax is not None
        else lines.line_tax(line_amount, _rate(tenant, raw), amount_types)
    )
    priced = {**raw, "Quantity": quantity, "LineAmount": line_amount, "TaxAmount": tax}
    if unit is not None:
        priced["UnitAmount"] = unit
    return priced


def _rate(tenant: JsonObject, raw: JsonObject) -> Decimal:
    """The line's tax rate as a fraction; 0 where the tax type (or account) is unknown."""
    account = reference.find_account(
        tenant, code=raw.get("AccountCode"), account_id=raw.get("AccountID")
    )
    tax_type = raw.get("TaxType") or (account or {}).get("TaxType")
    rate = reference.find_tax_rate(tenant, tax_type) if tax_type else None
    return rate["EffectiveRate"] / lines.HUNDRED if rate else Decimal(0)


def flagged(body: JsonObject, messages: list[str], flag: str) -> JsonObject:
    """The echo as Xero writes it, marked refused with every message."""
    return {
        **reference.public(body),
        flag: True,
        "StatusAttributeString": "ERROR",
        "ValidationErrors": [{"Message": m} for m in messages],
    }
