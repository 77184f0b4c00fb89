"""Realistic POS sales, as a till sends them: a few lines, GST, tips now and then, card or
card and cash. Deterministic (seeded) so two runs send the same shapes."""

import datetime
import itertools
import random
from decimal import Decimal
from typing import Any

CATEGORIES = [("coffee", "Flat white"), ("food", "Banana bread"), ("retail", "Beans 250g")]
PRICES = [Decimal(p) for p in ("4.50", "5.20", "6.00", "12.90", "18.50", "3.8500")]
CENT = Decimal("0.01")


class SaleMaker:
    def __init__(self, prefix: str, seed: int = 12):
        self.prefix = prefix
        self.random = random.Random(seed)
        self.numbers = itertools.count(1)

    def sale(self, station: str, occurred_at: datetime.datetime) -> dict[str, Any]:
        lines, total = self.lines()
        tips = Decimal("1.00") if self.random.random() < 0.2 else Decimal("0.00")
        total += tips
        return {
            "id": f"{self.prefix}-{next(self.numbers):08d}",
            "pos_station_id": station,
            "type": "sale",
            "occurred_at": occurred_at.isoformat(),
            "currency": "AUD",
            "amounts_include_tax": True,
            "lines": lines,
            "tips": str(tips),
            "surcharge": "0.00",
            "rounding": "0.00",
            "payments": self.payments(total),
            "refund_of": None,
        }

    def lines(self) -> tuple[list[dict[str, str]], Decimal]:
        lines, total = [], Decimal("0")
        for _ in range(self.random.randint(1, 4)):
            category, description = self.random.choice(CATEGORIES)
            quantity = self.random.randint(1, 3)
            price = self.random.choice(PRICES)
            amount = (quantity * price).quantize(CENT)
            total += amount
            lines.append(
                {
                    "category": category,
                    "description": description,
                    "quantity": str(quantity),
                    "unit_price": str(price),
                    "discount": "0.00",
                    "tax_code": "GST10",
                    "tax_amount": str((amount / 11).quantize(CENT)),
                }
            )
        return lines, total

    def payments(self, total: Decimal) -> list[dict[str, str]]:
        if self.random.random() < 0.25 and total > 5:
            cash = Decimal("5.00")
            return [
                {"method": "card", "amount": str(total - cash)},
                {"method": "cash", "amount": str(cash)},
            ]
        return [{"method": "card", "amount": str(total)}]
