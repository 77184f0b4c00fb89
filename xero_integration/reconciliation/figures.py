"""Pure arithmetic of one outlet-day: the POS's totals, Xero's totals, the difference.

No database, no HTTP: sales and Xero's documents in, figures out (amounts as Decimal,
2 dp). Refunds count against the day: `net` is sales less refunds, and each payment
method, tip, surcharge and rounding is netted the same way.
"""

from collections.abc import Iterable
from decimal import Decimal

from ..sales.money import ZERO, to_amount
from ..sales.types import SaleData

# Statuses whose document no longer counts in Xero's books (spec Invoice.Status).
GONE = ("VOIDED", "DELETED")
# The figures both sides have; the difference is taken on these.
COMPARED = ("sales", "refunds", "net", "tax", "paid")

Figures = dict[str, Decimal]


def pos_figures(sales: Iterable[SaleData]) -> tuple[Figures, dict[str, Decimal]]:
    """The day's POS totals, and the net amount of each payment method."""
    figures = {key: ZERO for key in (*COMPARED, "tips", "surcharges", "rounding")}
    methods: dict[str, Decimal] = {}
    for sale in sales:
        sign = -1 if sale.is_refund else 1
        figures["refunds" if sale.is_refund else "sales"] += sale.total
        figures["net"] += sign * sale.total
        figures["tax"] += sign * sale.total_tax
        figures["paid"] += sign * sale.paid
        figures["tips"] += sign * sale.tips
        figures["surcharges"] += sign * sale.surcharge
        figures["rounding"] += sign * sale.rounding
        for payment in sale.payments:
            methods[payment.method] = methods.get(payment.method, ZERO) + sign * payment.amount
    return figures, dict(sorted(methods.items()))


def xero_figures(invoices: Iterable[dict], credit_notes: Iterable[dict]) -> Figures:
    """What Xero holds for the day: its live invoices less its live credit notes."""
    figures = {key: ZERO for key in COMPARED}
    for element in invoices:
        if element.get("Status") not in GONE:
            figures["sales"] += amount(element, "Total")
            figures["tax"] += amount(element, "TotalTax")
            figures["paid"] += paid(element)
    for element in credit_notes:
        if element.get("Status") not in GONE:
            figures["refunds"] += amount(element, "Total")
            figures["tax"] -= amount(element, "TotalTax")
            figures["paid"] -= paid(element)
    figures["net"] = figures["sales"] - figures["refunds"]
    return figures


def difference(pos: Figures, xero: Figures) -> Figures:
    """Xero minus the POS, per compared figure: negative when Xero holds less."""
    return {key: xero[key] - pos[key] for key in COMPARED}


def amount(element: dict, field: str) -> Decimal:
    # Xero's JSON numbers arrive as Decimal from our client; str() keeps any float exact too.
    return to_amount(Decimal(str(element.get(field) or 0)))


def paid(element: dict) -> Decimal:
    """The sum of the document's payments in Xero (spec Invoice/CreditNote.Payments); a
    payment deleted in Xero is no longer in the list."""
    payments = element.get("Payments") or []
    return sum((amount(p, "Amount") for p in payments if p.get("Status") != "DELETED"), ZERO)


def as_text(figures: dict[str, Decimal]) -> dict[str, str]:
    """For JSON: amounts as decimal strings, never floats."""
    return {key: str(to_amount(value)) for key, value in figures.items()}
