"""Decimal quantisation as Xero does it.

Xero keeps amounts at 2 decimal places and unit prices at up to 4 (with `unitdp=4`);
it rounds half away from zero ("2.165 rounds to 2.17": Xero staff,
community.xero.com/developer/discussion/66891).
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
UNIT_PRICE_STEP = Decimal("0.0001")
ZERO = Decimal("0.00")


def to_amount(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_unit_price(value: Decimal) -> Decimal:
    return value.quantize(UNIT_PRICE_STEP, rounding=ROUND_HALF_UP)


def line_amount(quantity: Decimal, unit_price: Decimal, discount: Decimal = ZERO) -> Decimal:
    """What Xero computes as a line's LineAmount: quantity × unit price to the cent, less discount."""
    return to_amount(quantity * unit_price) - discount


def total(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)
