"""Line items: resolve accounts, tax rates and tracking, and compute amounts the way Xero does.

Rounding (developer.xero.com/documentation/api-guides/rounding-in-xero): tax is calculated per
line and rounded to 2 dp, then summed; UnitAmount keeps 2 dp unless unitdp=4; LineAmount and
every summary amount are 2 dp. Rounding is half-up (Xero staff: 2.165 -> 2.17).
"""

import uuid
from decimal import Decimal
from typing import Any

from . import reference, seed, wire
from .wire import JsonObject

MSG_DESCRIPTION = "The description field is mandatory for each line item."
MSG_ACCOUNT_REQUIRED = (
    "An account code must be specified for each line item of an approved document."
)
MSG_ACCOUNT_INVALID = "Account code '{}' is not a valid code for this document."
MSG_TAX_INVALID = (
    "The TaxType code '{}' does not exist or cannot be used with this type of transaction."
)
# Xero's wording for a tax rate whose CanApplyTo* flag is false for the account's Class.
MSG_TAX_ACCOUNT = "The TaxType code '{}' cannot be used with account code '{}'."
MSG_TRACKING_MAX = "A maximum of 2 tracking categories can be applied to a line item."
MSG_TRACKING_REF = "Tracking must give Name and Option, or TrackingCategoryID and TrackingOptionID."
MSG_TRACKING_INVALID = "The tracking category option '{}' : '{}' is not valid or has been archived."
MSG_AMOUNT_MISSING = "Each line item must have a UnitAmount or a LineAmount."
MSG_LINE_AMOUNT = (
    "The line amount {} does not equal the quantity multiplied by the unit amount less "
    "discount ({})."
)
QUANTITY_PLACES = Decimal("0.0001")
HUNDRED = Decimal(100)


def build_lines(
    tenant: JsonObject, raw_lines: list[Any], *, amount_types: str, unitdp: int, approved: bool
) -> tuple[list[JsonObject], list[str]]:
    """Return (lines, errors); lines are only meaningful when errors is empty."""
    lines: list[JsonObject] = []
    errors: list[str] = []
    for raw in raw_lines:
        line, line_errors = build_line(tenant, raw, amount_types, unitdp, approved)
        if line is not None:  # None with errors, when the lines are not used
            lines.append(line)
        errors += line_errors
    return lines, errors


def build_line(
    tenant: JsonObject, raw: JsonObject, amount_types: str, unitdp: int, approved: bool
) -> tuple[JsonObject | None, list[str]]:
    errors: list[str] = []
    if not (raw.get("Description") or "").strip():
        errors.append(MSG_DESCRIPTION)
    account, tax_type, rate, tracking = resolve_codes(tenant, raw, amount_types, approved, errors)
    quantity, unit, line_amount = amounts(raw, unitdp, errors)
    if errors:
        return None, errors
    assert line_amount is not None  # amounts gives None only with an error
    tax = given_or_computed_tax(raw, line_amount, rate, amount_types)
    line: JsonObject = {
        "LineItemID": str(uuid.uuid4()),
        "Description": raw["Description"],
        "Quantity": quantity,
        "UnitAmount": unit,
        "TaxType": tax_type,
        "TaxAmount": tax,
        "LineAmount": line_amount,
        "Tracking": tracking,
    }
    if account:
        line.update(AccountCode=account["Code"], AccountID=account["AccountID"])
    for key in ("DiscountRate", "DiscountAmount", "ItemCode"):
        if raw.get(key) is not None:
            line[key] = raw[key]
    return line, []


def resolve_codes(
    tenant: JsonObject, raw: JsonObject, amount_types: str, approved: bool, errors: list[str]
) -> tuple[JsonObject | None, str | None, Decimal, list[JsonObject]]:
    """A line's account, tax type, tax rate (a fraction) and tracking, as Xero resolves them
    on invoices and journals alike; each problem is added to `errors`."""
    account = _account(tenant, raw, approved, errors)
    tax_type, rate = _tax(tenant, raw, account, amount_types, errors)
    tracking = _tracking(tenant, raw.get("Tracking") or [], errors)
    return account, tax_type, rate, tracking


def given_or_computed_tax(
    raw: JsonObject, line_amount: Decimal, rate: Decimal, amount_types: str
) -> Decimal:
    # Xero lets the caller override the tax it would compute (spec LineItem.TaxAmount).
    given = raw.get("TaxAmount")
    return wire.money(given) if given is not None else line_tax(line_amount, rate, amount_types)


def line_tax(line_amount: Decimal, rate: Decimal, amount_types: str) -> Decimal:
    """Tax on one line, rounded to cents; Inclusive lines hold the tax inside the amount."""
    if amount_types == "NoTax" or not rate:
        return wire.money(0)
    if amount_types == "Inclusive":
        return wire.money(line_amount * rate / (1 + rate))
    return wire.money(line_amount * rate)


def totals(lines: list[JsonObject], amount_types: str) -> dict[str, Decimal]:
    """SubTotal is always net of tax; Total is what the customer owes."""
    line_sum = sum((line["LineAmount"] for line in lines), Decimal("0.00"))
    tax = sum((line["TaxAmount"] for line in lines), Decimal("0.00"))
    if amount_types == "Inclusive":
        return {"SubTotal": line_sum - tax, "TotalTax": tax, "Total": line_sum}
    return {"SubTotal": line_sum, "TotalTax": tax, "Total": line_sum + tax}


def _account(
    tenant: JsonObject, raw: JsonObject, approved: bool, errors: list[str]
) -> JsonObject | None:
    code, account_id = raw.get("AccountCode"), raw.get("AccountID")
    if not code and not account_id:
        if approved:
            errors.append(MSG_ACCOUNT_REQUIRED)
        return None
    account = reference.find_account(tenant, code=code, account_id=account_id)
    if account is None or account["Status"] != "ACTIVE":
        errors.append(MSG_ACCOUNT_INVALID.format(code or account_id))
        return None
    return account


def _tax(
    tenant: JsonObject,
    raw: JsonObject,
    account: JsonObject | None,
    amount_types: str,
    errors: list[str],
) -> tuple[str | None, Decimal]:
    """Returns (TaxType, rate as a fraction). Without TaxType, the account's default applies."""
    tax_type = raw.get("TaxType") or (account or {}).get("TaxType")
    if not tax_type:
        return None, Decimal(0)
    rate = reference.find_tax_rate(tenant, tax_type)
    if rate is None or rate["Status"] != "ACTIVE":
        errors.append(MSG_TAX_INVALID.format(tax_type))
        return None, Decimal(0)
    if account is not None and not _applies_to(rate, account):
        errors.append(MSG_TAX_ACCOUNT.format(tax_type, account["Code"]))
    return tax_type, rate["EffectiveRate"] / HUNDRED


def _applies_to(rate: JsonObject, account: JsonObject) -> bool:
    """The rate's CanApplyTo<Class> flag for the account's Class (spec TaxRate, Account.Class)."""
    flag = seed.CAN_APPLY_TO.get(account.get("Class") or "")
    return flag is None or rate.get(flag, True) is True


def _tracking(tenant: JsonObject, refs: list[Any], errors: list[str]) -> list[JsonObject]:
    if len(refs) > 2:
        errors.append(MSG_TRACKING_MAX)
        return []
    resolved: list[JsonObject] = []
    for ref in refs:
        by_name = ref.get("Name") and ref.get("Option")
        by_id = ref.get("TrackingCategoryID") and ref.get("TrackingOptionID")
        if not (by_name or by_id):
            errors.append(MSG_TRACKING_REF)
            continue
        category, option = reference.find_tracking_option(tenant, ref)
        if (
            category is None
            or option is None
            or category["Status"] != "ACTIVE"
            or option["Status"] != "ACTIVE"
        ):
            errors.append(
                MSG_TRACKING_INVALID.format(
                    ref.get("Name") or ref.get("TrackingCategoryID"),
                    ref.get("Option") or ref.get("TrackingOptionID"),
                )
            )
            continue
        resolved.append(
            {
                "TrackingCategoryID": category["TrackingCategoryID"],
                "TrackingOptionID": option["TrackingOptionID"],
                "Name": category["Name"],
                "Option": option["Name"],
            }
        )
    return resolved


def amounts(
    raw: JsonObject, unitdp: int, errors: list[str]
) -> tuple[Decimal, Decimal | None, Decimal | None]:
    """(Quantity, UnitAmount, LineAmount); a missing UnitAmount is derived from LineAmount."""
    quantity = Decimal(raw["Quantity"] if raw.get("Quantity") is not None else 1)
    quantity = quantity.quantize(QUANTITY_PLACES)
    given_unit, given_line = raw.get("UnitAmount"), raw.get("LineAmount")
    if given_unit is None:
        if given_line is None or quantity == 0:
            errors.append(MSG_AMOUNT_MISSING)
            return quantity, None, None
        # Xero: "If Quantity or UnitAmount is omitted, Xero will calculate the missing amount".
        return (
            quantity,
            wire.unit_amount(Decimal(given_line) / quantity, unitdp),
            wire.money(given_line),
        )
    unit = wire.unit_amount(given_unit, unitdp)
    line_amount = _discounted(quantity * unit, raw)
    if given_line is not None and wire.money(given_line) != line_amount:
        errors.append(MSG_LINE_AMOUNT.format(wire.money(given_line), line_amount))
    return quantity, unit, line_amount


def _discounted(gross: Decimal, raw: JsonObject) -> Decimal:
    if raw.get("DiscountRate") is not None:
        return wire.money(gross * (HUNDRED - Decimal(raw["DiscountRate"])) / HUNDRED)
    if raw.get("DiscountAmount") is not None:
        return wire.money(gross - Decimal(raw["DiscountAmount"]))
    return wire.money(gross)
