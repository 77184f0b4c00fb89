"""A day of realistic café sales for the demo (pure: a date and a station in, sales out).

Deterministic for a day and station, so running the demo again sends the same ids and
ingest answers "duplicate": nothing is doubled.
"""

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

CENT, FIVE_CENTS = Decimal("0.01"), Decimal("0.05")
# (category, description, unit price incl. GST, POS tax code)
MENU = [
    ("coffee", "Flat white", "4.50", "GST10"),
    ("coffee", "Long black", "4.00", "GST10"),
    ("coffee", "Oat latte", "5.20", "GST10"),
    ("pastry", "Croissant", "5.00", "GST10"),
    ("pastry", "Banana bread", "6.50", "GST10"),
    ("food", "Ham and cheese toastie", "9.50", "GST10"),
    ("fresh", "Fruit cup", "6.00", "GSTFREE"),  # fresh fruit is GST-free in Australia
]
METHODS = ["card"] * 6 + ["eftpos"] * 2 + ["cash"] * 2
SURCHARGE_RATE = Decimal("0.015")  # on eftpos, as many cafés pass on the fee
SALES_PER_DAY = 30


def money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def line(rng: random.Random) -> dict:
    category, description, price, tax_code = rng.choice(MENU)
    quantity = rng.choice([1, 1, 1, 2])
    amount = Decimal(price) * quantity
    tax = amount / 11 if tax_code == "GST10" else Decimal(0)  # GST-inclusive: 1/11
    return {
        "category": category,
        "description": description,
        "quantity": str(quantity),
        "unit_price": price,
        "discount": "0.00",
        "tax_code": tax_code,
        "tax_amount": money(tax),
    }


def settle(sale: dict, method: str, rng: random.Random) -> dict:
    """Tips, surcharge and cash rounding as a POS adds them, and the payment that balances."""
    lines = sum(
        (Decimal(item["unit_price"]) * Decimal(item["quantity"]) for item in sale["lines"]),
        Decimal(0),
    )
    extras: dict[str, str] = {}
    if method == "card" and rng.random() < 0.2:
        extras["tips"] = "1.00"
    if method == "eftpos":
        extras["surcharge"] = money(lines * SURCHARGE_RATE)
    due = lines + sum((Decimal(v) for v in extras.values()), Decimal(0))
    if method == "cash":  # Australian cash is rounded to five cents
        rounded = (due / FIVE_CENTS).quantize(Decimal(1), rounding=ROUND_HALF_UP) * FIVE_CENTS
        if rounded != due:
            extras["rounding"] = money(rounded - due)
        due = rounded
    return {**sale, **extras, "payments": [{"method": method, "amount": money(due)}]}


def day_of_sales(*, day: datetime.date, station: str, zone: str) -> list[dict]:
    """About thirty sales between 7 am and 3 pm local time, and one refund."""
    rng = random.Random(f"{day.isoformat()}-{station}")
    opening = datetime.datetime.combine(day, datetime.time(7), tzinfo=ZoneInfo(zone))
    sales = []
    for number in range(1, SALES_PER_DAY + 1):
        at = opening + datetime.timedelta(minutes=16 * number + rng.randint(0, 10))
        sale = {
            "id": f"{station}-{day:%Y%m%d}-{number:03d}",
            "pos_station_id": station,
            "type": "sale",
            "occurred_at": at.isoformat(),
            "currency": "AUD",
            "amounts_include_tax": True,
            "lines": [line(rng) for _ in range(rng.randint(1, 3))],
        }
        sales.append(settle(sale, rng.choice(METHODS), rng))
    return sales + [refund_of(sales[0])]


def refund_of(sale: dict) -> dict:
    """The first customer brought a coffee back: its first line refunded to their card."""
    first = sale["lines"][0]
    amount = Decimal(first["unit_price"]) * Decimal(first["quantity"])
    occurred = datetime.datetime.fromisoformat(sale["occurred_at"]) + datetime.timedelta(hours=2)
    return {
        "id": f"{sale['id']}-R",
        "pos_station_id": sale["pos_station_id"],
        "type": "refund",
        "occurred_at": occurred.isoformat(),
        "currency": "AUD",
        "amounts_include_tax": True,
        "lines": [first],
        "payments": [{"method": "card", "amount": money(amount)}],
        "refund_of": sale["id"],
    }
