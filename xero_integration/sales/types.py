"""The shape of a POS sale once validated: what the document builders read."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from .money import ZERO, line_amount, total


@dataclass(frozen=True)
class SaleLine:
    category: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    tax_code: str
    tax_amount: Decimal

    @property
    def net_amount(self) -> Decimal:
        """The line as the POS prices it: quantity × unit price less discount, to the cent."""
        return line_amount(self.quantity, self.unit_price, self.discount)

    def total(self, amounts_include_tax: bool) -> Decimal:
        return self.net_amount if amounts_include_tax else self.net_amount + self.tax_amount


@dataclass(frozen=True)
class SalePayment:
    method: str
    amount: Decimal


@dataclass(frozen=True)
class SaleData:
    sale_id: str
    type: str  # "sale" or "refund"; a refund carries positive amounts
    occurred_at: datetime.datetime
    currency: str
    amounts_include_tax: bool
    lines: tuple[SaleLine, ...]
    payments: tuple[SalePayment, ...]
    tips: Decimal = ZERO
    surcharge: Decimal = ZERO
    rounding: Decimal = ZERO
    refund_of: str | None = None
    # The POS's customer, for a sale paid on account: its Xero contact is found (or
    # created) by this id, as the contact's ContactNumber.
    customer_id: str | None = None
    customer_name: str | None = None

    @property
    def is_refund(self) -> bool:
        return self.type == "refund"

    @property
    def total(self) -> Decimal:
        lines = total(line.total(self.amounts_include_tax) for line in self.lines)
        return lines + self.tips + self.surcharge + self.rounding

    @property
    def paid(self) -> Decimal:
        return total(p.amount for p in self.payments)

    @property
    def total_tax(self) -> Decimal:
        return total(line.tax_amount for line in self.lines)


def sale_from_json(data: dict) -> SaleData:
    """Rebuild a SaleData from the normalised JSON stored with a sale (amounts as strings)."""
    lines = tuple(
        SaleLine(
            category=line["category"],
            description=line["description"],
            quantity=Decimal(line["quantity"]),
            unit_price=Decimal(line["unit_price"]),
            discount=Decimal(line["discount"]),
            tax_code=line["tax_code"],
            tax_amount=Decimal(line["tax_amount"]),
        )
        for line in data["lines"]
    )
    payments = tuple(SalePayment(p["method"], Decimal(p["amount"])) for p in data["payments"])
    return SaleData(
        sale_id=data["id"],
        type=data["type"],
        occurred_at=datetime.datetime.fromisoformat(data["occurred_at"]),
        currency=data["currency"],
        amounts_include_tax=data["amounts_include_tax"],
        lines=lines,
        payments=payments,
        tips=Decimal(data["tips"]),
        surcharge=Decimal(data["surcharge"]),
        rounding=Decimal(data["rounding"]),
        refund_of=data.get("refund_of"),
        customer_id=data.get("customer_id"),
        customer_name=data.get("customer_name"),
    )


def sale_to_json(sale: SaleData) -> dict:
    """The normalised JSON stored with a sale: amounts as strings, never floats.

    The customer is written only when the POS sent one, so a sale stored before customers
    existed hashes the same when it is sent again.
    """
    customer = {
        key: value
        for key, value in (("customer_id", sale.customer_id), ("customer_name", sale.customer_name))
        if value is not None
    }
    return {
        "id": sale.sale_id,
        "type": sale.type,
        "occurred_at": sale.occurred_at.isoformat(),
        "currency": sale.currency,
        "amounts_include_tax": sale.amounts_include_tax,
        "lines": [
            {
                "category": line.category,
                "description": line.description,
                "quantity": str(line.quantity),
                "unit_price": str(line.unit_price),
                "discount": str(line.discount),
                "tax_code": line.tax_code,
                "tax_amount": str(line.tax_amount),
            }
            for line in sale.lines
        ],
        "tips": str(sale.tips),
        "surcharge": str(sale.surcharge),
        "rounding": str(sale.rounding),
        "payments": [{"method": p.method, "amount": str(p.amount)} for p in sale.payments],
        "refund_of": sale.refund_of,
        **customer,
    }
