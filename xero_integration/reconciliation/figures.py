"""Pure arithmetic of one outlet-day: the POS's totals, Xero's totals, the difference.

No database, no HTTP: sales and Xero's documents in, figures out (amounts as Decimal,
2 dp). Refunds count against the day: `net` is sales less refunds, and each payment
method, tip, surcharge and rounding is netted the same way.

`paid` is what has been paid on the day's documents: at the till, but not what was sold
on account (it stays owed in Xero, an open invoice is not a payment removed), plus the
later payments registered against those sales. A daily journal holds no invoice: its
figures are read from its lines (add_journal).
"""

from collections.abc import Collection, Iterable
from decimal import Decimal

from ..exports.journals import REFUNDS
from ..sales.money import ZERO, to_amount
from ..sales.types import SaleData

# Statuses whose document no longer counts in Xero's books (spec Invoice.Status).
GONE = ("VOIDED", "DELETED")
# The figures both sides have; the difference is taken on these.
COMPARED = ("sales", "refunds", "net", "tax", "paid")

Figures = dict[str, Decimal]


def pos_figures(
    sales: Iterable[SaleData], *, on_account: Collection[str] = (), paid_later: Decimal = ZERO
) -> tuple[Figures, dict[str, Decimal]]:
    """The day's POS totals, and the net amount of each payment method.

    `on_account`: the methods mapped as paid later; `paid_later`: the payments registered
    since against the day's sales.
    """
    figures = {key: ZERO for key in (*COMPARED, "tips", "surcharges", "rounding")}
    figures["paid"] = paid_later
    methods: dict[str, Decimal] = {}
    for sale in sales:
        sign = -1 if sale.is_refund else 1
        figures["refunds" if sale.is_refund else "sales"] += sale.total
        figures["net"] += sign * sale.total
        figures["tax"] += sign * sale.total_tax
        figures["paid"] += sign * sum(
            (p.amount for p in sale.payments if p.method not in on_account), ZERO
        )
        figures["tips"] += sign * sale.tips
        figures["surcharges"] += sign * sale.surcharge
        figures["rounding"] += sign * sale.rounding
        for payment in sale.payments:
            methods[payment.method] = methods.get(payment.method, ZERO) + sign * payment.amount
    return figures, dict(sorted(methods.items()))


def xero_figures(
    invoices: Iterable[dict],
    credit_notes: Iterable[dict],
    journals: Iterable[tuple[dict, Collection[str]]] = (),
) -> Figures:
    """What Xero holds for the day: its live invoices less its live credit notes, and its
    live journals (each with the payment accounts its takings were posted to)."""
    figures = {key: ZERO for key in COMPARED}
    for journal, takings_accounts in journals:
        if journal.get("Status") not in GONE:
            add_journal(figures, journal, takings_accounts)
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


def add_journal(figures: Figures, journal: dict, takings_accounts: Collection[str]) -> None:
    """A journal's lines as the day's figures (spec ManualJournalLine: debits positive).

    Lines to a payment account are takings (paid); the others are revenue, tax included:
    credited for sales (discounts debited among them), debited for refunds.
    """
    for line in journal.get("JournalLines") or []:
        line_amount, tax = amount(line, "LineAmount"), amount(line, "TaxAmount")
        if str(line.get("AccountCode")) in takings_accounts:
            figures["paid"] += line_amount
            continue
        figures["tax"] -= tax
        if (line.get("Description") or "").startswith(REFUNDS):
            figures["refunds"] += line_amount
        else:
            figures["sales"] -= line_amount


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
