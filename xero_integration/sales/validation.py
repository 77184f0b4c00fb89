"""Validation of one POS sale, field by field; pure (no database).

Each problem is reported against the field that has it, so a POS developer can fix
the exact value. Amounts must be decimal strings: a JSON number may already have
been rounded through a float on the way.
"""

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import pycountry

from config.errors import Invalid
from config.text import CONTROL_CHARACTERS, is_clean_text

from .limits import CUSTOMER_ID_MAX_LENGTH, MAX_AMOUNT, SALE_ID_MAX_LENGTH, STATION_MAX_LENGTH
from .types import SaleData, SaleLine, SalePayment

MAX_FUTURE = datetime.timedelta(minutes=10)
MAX_AGE = datetime.timedelta(days=400)
MAX_LINES = 1000

# Plain decimals in ASCII digits only: no exponents ("1E+27"), underscores ("1_0"), NaN,
# or digits of other scripts ("٤.٥٠", "４.５０", which Decimal() would read), and at most
# 12 digits before the point. Sums are checked against the database's limit (limits.py).
DECIMAL_PATTERN = re.compile(r"^-?[0-9]{1,12}(\.[0-9]{1,12})?$")
# Sale ids become Xero document numbers and go into Xero look-up queries: no quotes,
# commas or spaces.
SALE_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,%d}$" % (SALE_ID_MAX_LENGTH - 1))
# ISO 4217 codes that name no money a sale is paid in: funds (BOV, CHE, CHW, CLF, COU,
# MXV, USN, UYI, UYW), precious metals (XAG, XAU, XPD, XPT), units of account (XAD,
# XBA-XBD, XDR, XSU, XUA), testing (XTS) and "no currency" (XXX).
NOT_MONEY_CODES = frozenset(
    "BOV CHE CHW CLF COU MXV USN UYI UYW XAG XAU XPD XPT XAD XBA XBB XBC XBD XDR XSU XUA "
    "XTS XXX".split()
)

SALE_REJECTED = "The sale is not valid."
REQUIRED = "This field is required."
BAD_SALE_ID = "Use at most 100 letters, digits and . _ : / - (starting with a letter or digit)."
BAD_CUSTOMER_ID = "Use at most 50 letters, digits and . _ : / - (starting with a letter or digit)."
NOT_TEXT = "Must be a non-empty string of at most {max_length} characters."
NOT_DECIMAL_STRING = 'Must be a decimal string such as "4.50", not {kind}.'
BAD_DECIMAL = "'{value}' is not a decimal number."
TOO_MANY_PLACES = "At most {places} decimal places."
MUST_BE_POSITIVE = "Must be greater than zero."
MUST_NOT_BE_NEGATIVE = "Must not be negative."
NOT_ZERO = "Must not be zero."
BAD_TYPE = "Must be 'sale' or 'refund'."
BAD_DATETIME = (
    "Must be an ISO 8601 date and time with a UTC offset, such as 2026-11-23T10:15:00+11:00."
)
IN_THE_FUTURE = "Is in the future."
TOO_OLD = "Is more than 400 days ago."
BAD_CURRENCY = "'{value}' is not an ISO 4217 currency code."
NOT_MONEY = "'{value}' is an ISO 4217 code, but not of a currency sales are paid in."
TOTAL_TOO_LARGE = "The total is {total}, more than the largest amount that can be stored ({limit})."
LINE_TOO_LARGE = (
    "The line amounts to {amount}, more than the largest amount that can be stored ({limit})."
)
NOT_BOOLEAN = "Must be true or false."
NOT_A_LIST = "Must be a list."
EMPTY_LIST = "Must have at least one item."
TOO_MANY_LINES = "At most 1000 lines."
NOT_AN_OBJECT = "Must be an object."
UNBALANCED = (
    "The sale does not balance: lines {lines} + tips {tips} + surcharge {surcharge} + "
    "rounding {rounding} = {total}, but payments add up to {paid}."
)
NEGATIVE_TOTAL = (
    "The total is {total}: send a negative total as a refund (type 'refund', positive amounts)."
)
REFUND_OF_ON_SALE = "Only a refund can name the sale it refunds."
NO_PAYMENTS = "A sale with a total of {total} needs payments."

Item = TypeVar("Item")


class SaleErrors(Invalid):
    """Every problem of one sale, by field; answered in that sale's result, not the request's."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(SALE_REJECTED, fields=errors)
        self.errors = errors


class Collector:
    """Gathers field errors so every problem in a sale is reported at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def text(
        self,
        data: dict[str, Any],
        field: str,
        *,
        max_length: int = 100,
        required: bool = True,
        multiline: bool = False,
        path: str = "",
    ) -> str | None:
        value = data.get(field)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip() or len(value) > max_length:
            self.add(
                path + field, REQUIRED if value is None else NOT_TEXT.format(max_length=max_length)
            )
            return None
        if not is_clean_text(value, multiline=multiline):
            self.add(path + field, CONTROL_CHARACTERS)
            return None
        return value.strip()

    def decimal(
        self,
        data: dict[str, Any],
        field: str,
        *,
        places: int = 2,
        default: str | None = None,
        path: str = "",
    ) -> Decimal | None:
        value = data.get(field, default)
        name = path + field
        if value is None:
            self.add(name, REQUIRED)
            return None
        if not isinstance(value, str):
            kind = "a number" if isinstance(value, (int, float)) else type(value).__name__
            self.add(name, NOT_DECIMAL_STRING.format(kind=kind))
            return None
        if not DECIMAL_PATTERN.match(value.strip()):
            self.add(name, BAD_DECIMAL.format(value=value))
            return None
        number = Decimal(value.strip())
        exponent = number.as_tuple().exponent
        assert isinstance(exponent, int)  # not NaN or Infinity: the pattern admits neither
        if -exponent > places:
            self.add(name, TOO_MANY_PLACES.format(places=places))
            return None
        # "-0.00" is zero: stored and hashed as "0.00", so a resend with "0.00" is the same sale.
        return abs(number) if number.is_zero() else number


def check_sign(
    c: Collector,
    name: str,
    value: Decimal | None,
    *,
    positive: bool = False,
    non_negative: bool = False,
    non_zero: bool = False,
) -> None:
    if value is None:
        return
    if positive and value <= 0:
        c.add(name, MUST_BE_POSITIVE)
    elif non_negative and value < 0:
        c.add(name, MUST_NOT_BE_NEGATIVE)
    elif non_zero and value == 0:
        c.add(name, NOT_ZERO)


def parse_occurred_at(c: Collector, value: Any, now: datetime.datetime) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        c.add("occurred_at", REQUIRED if value is None else BAD_DATETIME)
        return None
    if moment > now + MAX_FUTURE:
        c.add("occurred_at", IN_THE_FUTURE)
    elif moment < now - MAX_AGE:
        c.add("occurred_at", TOO_OLD)
    return moment


def parse_currency(c: Collector, value: Any) -> str | None:
    """The ISO 4217 code in capitals ("aud" is AUD: Xero knows only the capitals)."""
    code = value.strip().upper() if isinstance(value, str) else None
    if code is None or not code.isascii() or pycountry.currencies.get(alpha_3=code) is None:
        c.add("currency", REQUIRED if value is None else BAD_CURRENCY.format(value=value))
        return None
    if code in NOT_MONEY_CODES:
        c.add("currency", NOT_MONEY.format(value=value))
        return None
    return code


def parse_line(c: Collector, raw: Any, index: int) -> SaleLine | None:
    path = f"lines[{index}]."
    if not isinstance(raw, dict):
        c.add(f"lines[{index}]", NOT_AN_OBJECT)
        return None
    category = c.text(raw, "category", path=path)
    description = c.text(
        raw, "description", max_length=4000, required=False, multiline=True, path=path
    )
    quantity = c.decimal(raw, "quantity", places=4, path=path)
    unit_price = c.decimal(raw, "unit_price", places=4, path=path)
    discount = c.decimal(raw, "discount", default="0.00", path=path)
    tax_code = c.text(raw, "tax_code", path=path)
    tax_amount = c.decimal(raw, "tax_amount", default="0.00", path=path)
    check_sign(c, path + "quantity", quantity, non_zero=True)
    check_sign(c, path + "discount", discount, non_negative=True)
    if (
        category is None
        or quantity is None
        or unit_price is None
        or discount is None
        or tax_code is None
        or tax_amount is None
    ):
        return None
    return SaleLine(
        category, description or category, quantity, unit_price, discount, tax_code, tax_amount
    )


def parse_payment(c: Collector, raw: Any, index: int) -> SalePayment | None:
    path = f"payments[{index}]."
    if not isinstance(raw, dict):
        c.add(f"payments[{index}]", NOT_AN_OBJECT)
        return None
    method = c.text(raw, "method", path=path)
    amount = c.decimal(raw, "amount", path=path)
    check_sign(c, path + "amount", amount, positive=True)
    return SalePayment(method, amount) if method and amount is not None and amount > 0 else None


def parse_list(
    c: Collector,
    raw: Any,
    field: str,
    parse_item: Callable[[Collector, Any, int], Item | None],
    *,
    allow_empty: bool = False,
) -> tuple[Item, ...] | None:
    if not isinstance(raw, list):
        c.add(field, REQUIRED if raw is None else NOT_A_LIST)
        return None
    if not raw and not allow_empty:
        c.add(field, EMPTY_LIST)
        return None
    if len(raw) > MAX_LINES:
        c.add(field, TOO_MANY_LINES)
        return None
    items = [parse_item(c, item, index) for index, item in enumerate(raw)]
    parsed = tuple(item for item in items if item is not None)
    return parsed if len(parsed) == len(items) else None


def parse_flag(c: Collector, raw: dict[str, Any], default: bool) -> bool:
    value = raw.get("amounts_include_tax", default)
    if not isinstance(value, bool):
        c.add("amounts_include_tax", NOT_BOOLEAN)
        return default
    return value


def check_fits(c: Collector, sale: SaleData) -> bool:
    """Each line and the total within what the database stores (so a day's sum can be built)."""
    for index, line in enumerate(sale.lines):
        amount = line.total(sale.amounts_include_tax)
        if abs(amount) > MAX_AMOUNT:
            c.add(f"lines[{index}]", LINE_TOO_LARGE.format(amount=amount, limit=MAX_AMOUNT))
    if not c.errors and abs(sale.total) > MAX_AMOUNT:
        c.add("lines", TOTAL_TOO_LARGE.format(total=sale.total, limit=MAX_AMOUNT))
    return not c.errors


def check_totals(c: Collector, sale: SaleData) -> None:
    if not check_fits(c, sale):
        return
    if sale.total < 0:
        c.add("lines", NEGATIVE_TOTAL.format(total=sale.total))
        return
    if sale.total != 0 and not sale.payments:
        c.add("payments", NO_PAYMENTS.format(total=sale.total))
        return
    if sale.total != sale.paid:
        lines = sale.total - sale.tips - sale.surcharge - sale.rounding
        c.add(
            "payments",
            UNBALANCED.format(
                lines=lines,
                tips=sale.tips,
                surcharge=sale.surcharge,
                rounding=sale.rounding,
                total=sale.total,
                paid=sale.paid,
            ),
        )


def parse_sale(raw: Any, *, default_amounts_include_tax: bool, now: datetime.datetime) -> SaleData:
    """A validated SaleData, or SaleErrors with every problem by field."""
    if not isinstance(raw, dict):
        raise SaleErrors({"sale": [NOT_AN_OBJECT]})
    c = Collector()
    sale_id = c.text(raw, "id", max_length=SALE_ID_MAX_LENGTH)
    if sale_id and not SALE_ID_PATTERN.match(sale_id):
        c.add("id", BAD_SALE_ID)
    c.text(raw, "pos_station_id", max_length=STATION_MAX_LENGTH)
    sale_type = raw.get("type")
    if sale_type not in ("sale", "refund"):
        c.add("type", REQUIRED if sale_type is None else BAD_TYPE)
    occurred_at = parse_occurred_at(c, raw.get("occurred_at"), now)
    currency = parse_currency(c, raw.get("currency"))
    include_tax = parse_flag(c, raw, default_amounts_include_tax)
    lines = parse_list(c, raw.get("lines"), "lines", parse_line)
    payments = parse_list(c, raw.get("payments", []), "payments", parse_payment, allow_empty=True)
    tips, surcharge, rounding = (
        c.decimal(raw, f, default="0.00") for f in ("tips", "surcharge", "rounding")
    )
    check_sign(c, "tips", tips, non_negative=True)
    check_sign(c, "surcharge", surcharge, non_negative=True)
    refund_of = c.text(raw, "refund_of", max_length=SALE_ID_MAX_LENGTH, required=False)
    if refund_of and sale_type == "sale":
        c.add("refund_of", REFUND_OF_ON_SALE)
    customer_id = c.text(raw, "customer_id", max_length=CUSTOMER_ID_MAX_LENGTH, required=False)
    if customer_id and not SALE_ID_PATTERN.match(customer_id):
        c.add("customer_id", BAD_CUSTOMER_ID)  # it goes into Xero look-ups, like sale ids
    customer_name = c.text(raw, "customer_name", max_length=255, required=False)
    if c.errors:
        raise SaleErrors(c.errors)
    # A value left None above had its error recorded; with no errors, every one is set.
    assert sale_id is not None and sale_type is not None
    assert occurred_at is not None and currency is not None
    assert lines is not None and payments is not None
    assert tips is not None and surcharge is not None and rounding is not None
    sale = SaleData(
        sale_id=sale_id,
        type=sale_type,
        occurred_at=occurred_at,
        currency=currency,
        amounts_include_tax=include_tax,
        lines=lines,
        payments=payments,
        refund_of=refund_of,
        tips=tips,
        surcharge=surcharge,
        rounding=rounding,
        customer_id=customer_id,
        customer_name=customer_name,
    )
    check_totals(c, sale)
    if c.errors:
        raise SaleErrors(c.errors)
    return sale
