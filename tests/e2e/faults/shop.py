"""The POS side of the fault suite: three merchants, ten outlets, and their sales.

Pure data, no Django and no HTTP: the same seed gives the same sales, so a failing run
can be repeated. Every amount is a Decimal string, as a POS sends it.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

CENT = Decimal("0.01")
NICKEL = Decimal("0.05")  # cash is rounded to 5 cents in Australia and New Zealand
PER_SALE, DAILY_SUMMARY = "per_sale", "daily_summary"
# Unit prices with 2 and 4 decimal places (Xero takes up to 4 with unitdp=4).
PRICES = ["4.50", "5.33", "12.95", "24.00", "3.1416", "7.2495", "0.9999", "18.10"]
REFUND_SHARE, TIPS_SHARE, SURCHARGE_SHARE, SPLIT_SHARE = 0.08, 0.12, 0.15, 0.05
# Summary outlets' sales fall on closed business days (summaries wait for the day's end).
SUMMARY_DAYS_BACK = (1, 2, 3)


@dataclass(frozen=True)
class OutletPlan:
    station: str
    timezone: str
    grouping: str

    @property
    def prefix(self) -> str:
        # Unique within the organisation, so no two outlets make the same number.
        return f"FS{self.station}"


@dataclass(frozen=True)
class MerchantPlan:
    merchant_id: str
    name: str
    currency: str
    organisation: int  # which of the sandbox's organisations its outlets export to
    outlets: tuple[OutletPlan, ...]
    # Its sales in another currency too: every `other_currency_every`th one (0: never).
    other_currency: str = ""
    other_currency_every: int = 0


MERCHANTS = (
    MerchantPlan(
        "M-HARBOUR",
        "Harbour Cafe",
        "AUD",
        0,
        (
            OutletPlan("H1", "Australia/Sydney", PER_SALE),
            OutletPlan("H2", "Australia/Sydney", PER_SALE),
            OutletPlan("H3", "Australia/Sydney", PER_SALE),
            OutletPlan("H4", "Australia/Sydney", DAILY_SUMMARY),
        ),
        other_currency="NZD",
        other_currency_every=9,
    ),
    # Shares Harbour Cafe's organisation (one Xero file for two businesses).
    MerchantPlan(
        "M-BAKERY",
        "Corner Bakery",
        "AUD",
        0,
        (
            OutletPlan("B1", "Australia/Melbourne", PER_SALE),
            OutletPlan("B2", "Australia/Melbourne", PER_SALE),
            OutletPlan("B3", "Australia/Melbourne", DAILY_SUMMARY),
        ),
    ),
    MerchantPlan(
        "M-KIWI",
        "Kiwi Kitchen",
        "NZD",
        1,
        (
            OutletPlan("K1", "Pacific/Auckland", PER_SALE),
            OutletPlan("K2", "Pacific/Auckland", PER_SALE),
            OutletPlan("K3", "Pacific/Auckland", DAILY_SUMMARY),
        ),
    ),
)


def all_outlets() -> list[tuple[MerchantPlan, OutletPlan]]:
    return [(merchant, outlet) for merchant in MERCHANTS for outlet in merchant.outlets]


@dataclass
class PosSale:
    """One sale as posted, and what the POS took for it (its payments' sum)."""

    merchant: MerchantPlan
    outlet: OutletPlan
    body: dict
    total: Decimal
    business_date: datetime.date

    @property
    def is_refund(self) -> bool:
        return self.body["type"] == "refund"

    @property
    def currency(self) -> str:
        return self.body["currency"]


@dataclass
class SaleMaker:
    seed: int
    now: datetime.datetime
    rng: random.Random = field(init=False)
    made: dict[str, list[PosSale]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def sales(self, count: int) -> list[PosSale]:
        """`count` sales spread over the ten outlets, refunds after the sales they refund."""
        outlets = all_outlets()
        return [self.next_sale(*outlets[n % len(outlets)], n) for n in range(count)]

    def next_sale(self, merchant: MerchantPlan, outlet: OutletPlan, n: int) -> PosSale:
        earlier = self.made.setdefault(outlet.station, [])
        refundable = [s for s in earlier if not s.is_refund]
        if refundable and self.rng.random() < REFUND_SHARE:
            made = self.refund(self.rng.choice(refundable), n)
        else:
            made = self.sale(merchant, outlet, n)
        earlier.append(made)
        return made

    def sale(self, merchant: MerchantPlan, outlet: OutletPlan, n: int) -> PosSale:
        lines = [self.line() for _ in range(self.rng.randint(1, 3))]
        subtotal = sum((line_net(line) for line in lines), Decimal(0))
        extras: dict[str, str] = {}
        if self.rng.random() < TIPS_SHARE:
            extras["tips"] = str(Decimal(self.rng.randint(1, 5)))
        cash = self.rng.random() < 0.35
        if not cash and self.rng.random() < SURCHARGE_SHARE:
            extras["surcharge"] = str(money(subtotal * Decimal("0.015")))
        total = subtotal + sum((Decimal(v) for v in extras.values()), Decimal(0))
        if cash:
            rounded = (total / NICKEL).quantize(Decimal(1), ROUND_HALF_UP) * NICKEL
            if rounded != total:
                extras["rounding"] = str(rounded - total)
            total = rounded
        currency = merchant.currency
        if merchant.other_currency_every and n % merchant.other_currency_every == 0:
            currency = merchant.other_currency
        occurred_at = self.occurred_at(outlet)
        body = {
            "id": f"{outlet.station}-{n:06d}",
            "pos_station_id": outlet.station,
            "type": "sale",
            "occurred_at": occurred_at.isoformat(),
            "currency": currency,
            "amounts_include_tax": True,
            "lines": lines,
            "payments": self.payments(total, cash),
            "refund_of": None,
            **extras,
        }
        return PosSale(merchant, outlet, body, total, self.local_date(outlet, occurred_at))

    def refund(self, original: PosSale, n: int) -> PosSale:
        """Part of an earlier sale given back by card, on the original's business day."""
        first = original.body["lines"][0]
        line = sale_line(first["unit_price"], "1")
        body = {
            **original.body,
            "id": f"{original.outlet.station}-{n:06d}",
            "type": "refund",
            "lines": [line],
            "payments": [{"method": "card", "amount": str(line_net(line))}],
            "refund_of": original.body["id"],
        }
        for extra in ("tips", "surcharge", "rounding"):
            body.pop(extra, None)
        return PosSale(
            original.merchant, original.outlet, body, line_net(line), original.business_date
        )

    def line(self) -> dict:
        while True:
            price, quantity = self.rng.choice(PRICES), str(self.rng.randint(1, 3))
            if not is_tie(price, quantity):
                break
        line = sale_line(price, quantity)
        if self.rng.random() < 0.1:
            line = sale_line(price, quantity, discount=money(line_net(line) / 10))
        return line

    def payments(self, total: Decimal, cash: bool) -> list[dict]:
        if cash and total > 10 and self.rng.random() < SPLIT_SHARE * 4:
            return [
                {"method": "card", "amount": "10.00"},
                {"method": "cash", "amount": str(total - 10)},
            ]
        return [{"method": "cash" if cash else "card", "amount": str(total)}]

    def occurred_at(self, outlet: OutletPlan) -> datetime.datetime:
        if outlet.grouping == DAILY_SUMMARY:
            days = self.rng.choice(SUMMARY_DAYS_BACK)
            local = self.now.astimezone(ZoneInfo(outlet.timezone))
            noon = local.replace(hour=12, minute=0, second=0, microsecond=0)
            return noon - datetime.timedelta(days=days, minutes=self.rng.randint(0, 300))
        return self.now - datetime.timedelta(minutes=self.rng.randint(5, 90))

    @staticmethod
    def local_date(outlet: OutletPlan, moment: datetime.datetime) -> datetime.date:
        return moment.astimezone(ZoneInfo(outlet.timezone)).date()


def money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, ROUND_HALF_UP)


def is_tie(price: str, quantity: str) -> bool:
    """A product ending in exactly half a cent: rounding rules could differ, so avoid it."""
    thousandths = Decimal(price) * Decimal(quantity) * 1000
    return thousandths % 10 == 5 and thousandths == thousandths.to_integral_value()


def line_net(line: dict) -> Decimal:
    return money(Decimal(line["quantity"]) * Decimal(line["unit_price"])) - Decimal(
        line["discount"]
    )


def sale_line(price: str, quantity: str, *, discount: Decimal = Decimal("0.00")) -> dict:
    line = {
        "category": "food",
        "description": "Item",
        "quantity": quantity,
        "unit_price": price,
        "discount": str(discount),
        "tax_code": "GST10",
    }
    net = line_net(line)
    return {**line, "tax_amount": str(money(net / 11))}  # GST-inclusive prices
