"""Small factories for the pure builder tests: sales, lines, payments, mappings, contexts.

No database: everything here is a plain dataclass. Defaults describe one ordinary
Sydney cafe sale that balances; each test overrides only what it is about.
"""

import dataclasses
import datetime
import random
from decimal import Decimal

from mappings.models import SpecialKind
from mappings.selectors import EffectiveMappings
from xero_integration.exports.builders import ExportContext
from xero_integration.sales.money import ZERO, to_amount
from xero_integration.sales.types import SaleData, SaleLine, SalePayment

SYDNEY = "Australia/Sydney"
CONTACT = {"ContactID": "6d3a2f0e-3c9b-4c1e-9a55-0f4a8e1b2c3d"}


def d(value) -> Decimal:
    return Decimal(str(value))


def sale_line(**overrides) -> SaleLine:
    fields = {
        "category": "food",
        "description": "Flat white",
        "quantity": d("1"),
        "unit_price": d("11.00"),
        "discount": ZERO,
        "tax_code": "GST",
        "tax_amount": d("1.00"),
    }
    return SaleLine(**{**fields, **overrides})


def payment(method: str = "card", amount="11.00") -> SalePayment:
    return SalePayment(method, d(amount))


def sale(**overrides) -> SaleData:
    """A balanced sale; without explicit payments, its whole total is paid by card."""
    fields = {
        "sale_id": "1001",
        "type": "sale",
        "occurred_at": datetime.datetime.fromisoformat("2026-11-23T10:15:00+11:00"),
        "currency": "AUD",
        "amounts_include_tax": True,
        "lines": (sale_line(),),
        "payments": (),
    }
    built = SaleData(**{**fields, **overrides})
    if "payments" in overrides or not built.total:
        return built
    return dataclasses.replace(built, payments=(payment("card", built.total),))


def refund(**overrides) -> SaleData:
    return sale(**{"sale_id": "R-7", "type": "refund", "refund_of": "1001", **overrides})


def mappings(**overrides) -> EffectiveMappings:
    fields = {
        "revenue": {"food": "200", "drinks": "205", "*": "209"},
        "payments": {"card": "090", "cash": "091"},
        "tax": {"GST": "OUTPUT", "FREE": "EXEMPTOUTPUT", "NONE": "BASEXCLUDED"},
        "tracking": {"Region": "North"},
        "special": {
            SpecialKind.TIPS: "825",
            SpecialKind.SURCHARGE: "260",
            SpecialKind.ROUNDING: "860",
            SpecialKind.DISCOUNT: "210",
            SpecialKind.GIFT_CARD: "830",
        },
    }
    return EffectiveMappings(**{**fields, **overrides})


def without(table: dict, key: str) -> dict:
    return {k: v for k, v in table.items() if k != key}


def context(**overrides) -> ExportContext:
    fields = {
        "number_prefix": "SYD",
        "timezone": SYDNEY,
        "mappings": mappings(),
        "contact": CONTACT,
    }
    return ExportContext(**{**fields, **overrides})


# Generated sales, for the balance properties ------------------------------------

METHODS = ("card", "cash", "gift_card")
TAX_RATES = {"GST": d("0.10"), "FREE": ZERO}


def random_decimal(rng: random.Random, high: int, places: int) -> Decimal:
    """A value in [0, high) with `places` decimal places at most."""
    step = Decimal(1).scaleb(-places)
    return Decimal(rng.randrange(high * 10**places)) * step


def random_line(rng: random.Random, inclusive: bool) -> SaleLine:
    quantity = random_decimal(rng, 20, rng.randint(0, 4)) or d("1")
    unit_price = random_decimal(rng, 300, rng.randint(0, 4))
    gross = to_amount(quantity * unit_price)
    discount = random_decimal(rng, int(gross) + 1, 2) if rng.random() < 0.3 else ZERO
    discount = min(discount, gross)
    tax_code = rng.choice(tuple(TAX_RATES))
    net, rate = gross - discount, TAX_RATES[tax_code]
    tax = to_amount(net * rate / (1 + rate) if inclusive else net * rate)
    if rate and rng.random() < 0.2:
        tax += rng.choice((d("-0.01"), d("0.01")))  # the POS rounded on the total, not per line
    category = rng.choice(("food", "drinks", "merch"))  # merch falls back to "*"
    description = f"Item {rng.randrange(1000)}"
    return SaleLine(category, description, quantity, unit_price, discount, tax_code, tax)


def split_payments(rng: random.Random, amount: Decimal) -> tuple[SalePayment, ...]:
    """`amount` paid by one to three methods, each a positive number of cents."""
    cents = int(amount * 100)
    methods = rng.sample(METHODS, k=min(rng.randint(1, 3), cents))
    cuts = sorted(rng.sample(range(1, cents), k=len(methods) - 1)) if len(methods) > 1 else []
    bounds = [0, *cuts, cents]
    return tuple(
        SalePayment(method, Decimal(bounds[i + 1] - bounds[i]).scaleb(-2))
        for i, method in enumerate(methods)
    )


def random_sale(rng: random.Random, sale_id: str) -> SaleData:
    """A sale or refund as a POS could send it: odd prices, discounts, extras, split payments."""
    inclusive = rng.random() < 0.5
    unpaid = SaleData(
        sale_id=sale_id,
        type="refund" if rng.random() < 0.15 else "sale",
        occurred_at=datetime.datetime(2026, 11, 23, 12, tzinfo=datetime.UTC)
        + datetime.timedelta(minutes=rng.randrange(24 * 60)),
        currency=rng.choice(("AUD", "AUD", "NZD")),
        amounts_include_tax=inclusive,
        lines=tuple(random_line(rng, inclusive) for _ in range(rng.randint(1, 5))),
        payments=(),
        tips=random_decimal(rng, 10, 2) if rng.random() < 0.3 else ZERO,
        surcharge=random_decimal(rng, 5, 2) if rng.random() < 0.2 else ZERO,
        rounding=d(rng.choice(("-0.02", "-0.01", "0.01", "0.02"))) if rng.random() < 0.3 else ZERO,
    )
    if unpaid.total <= 0:
        return random_sale(rng, sale_id)
    return dataclasses.replace(unpaid, payments=split_payments(rng, unpaid.total))


def random_sales(seed: int, count: int) -> list[SaleData]:
    rng = random.Random(seed)
    return [random_sale(rng, f"G{n}") for n in range(count)]
