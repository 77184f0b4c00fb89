"""Pure builder of the daily journal: one balanced Xero manual journal per outlet-day.

For accountants who would rather see a day's takings as one journal than as invoices and
payments. Debits are positive, credits negative (spec ManualJournalLine.LineAmount):

- revenue by account and tax type, discounts, tips, surcharges and rounding: the day's
  summary lines (builders.summary_lines), credited for sales and debited for refunds;
- each payment method's net takings, debited to its mapped clearing or bank account.

Every sale balances (its lines, tips, surcharge and rounding equal its payments, checked at
ingest), so the journal balances to the cent; `build_journal_document` checks it anyway
rather than let Xero refuse it. Amounts are tax-inclusive with the POS's own tax as an
explicit TaxAmount, like the invoices. A manual journal has no currency (it is in the
organisation's base currency), so a day in another currency is refused before any call.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from config.errors import Invalid

from ..sales.money import ZERO, to_amount
from ..sales.types import SaleData
from .builders import BuiltDocument, ExportContext, no_tax_type, payment_account, summary_lines
from .lock_dates import posting_date
from .numbers import journal_narration

JOURNAL = "manual_journal"
# Line descriptions the reconciliation reads back: a takings line moves money to a payment
# account, a refunds line is a refund debited to revenue (reconciliation/figures.py).
TAKINGS = "Takings: "
REFUNDS = "Refunds: "
UNBALANCED_JOURNAL = "Journal '{narration}' does not balance: debits {debits}, credits {credits}."
NOT_BASE_CURRENCY = (
    "Journal '{narration}' holds {currency} sales, but Xero posts manual journals only in the "
    "organisation's base currency ({base}): export this outlet's {currency} days with another "
    "grouping (daily_summary or per_sale)."
)
MIXED_CURRENCIES = "A journal needs sales of one currency, got {currencies}."


class NotBaseCurrency(Invalid):
    """Sales in a currency a manual journal cannot carry."""


def journal_line(line: dict, sign: int, description_prefix: str = "") -> dict:
    """A summary line (Quantity 1, tax-inclusive UnitAmount) as a journal line, signed."""
    journal = {
        "Description": description_prefix + line["Description"],
        "LineAmount": sign * line["UnitAmount"],
        "AccountCode": line["AccountCode"],
        "TaxAmount": sign * line["TaxAmount"],
    }
    for optional in ("TaxType", "Tracking"):
        if optional in line:
            journal[optional] = line[optional]
    return journal


def revenue_lines(sales: list[SaleData], refunds: list[SaleData], ctx: ExportContext) -> list[dict]:
    """Sales credited (negative), refunds debited (positive), by account and tax type."""
    credited = [journal_line(line, -1) for line in summary_lines(sales, ctx)] if sales else []
    debited = (
        [journal_line(line, 1, REFUNDS) for line in summary_lines(refunds, ctx)] if refunds else []
    )
    return credited + debited


def net_takings_by_method(sales: list[SaleData], refunds: list[SaleData]) -> dict[str, Decimal]:
    taken: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for sale in sales + refunds:
        sign = -1 if sale.is_refund else 1
        for payment in sale.payments:
            taken[payment.method] += sign * payment.amount
    return taken


def payment_lines(sales: list[SaleData], refunds: list[SaleData], ctx: ExportContext) -> list[dict]:
    """Each method's net takings debited to its account (credited when refunds exceed them)."""
    lines = []
    for method, amount in sorted(net_takings_by_method(sales, refunds).items()):
        if not amount:
            continue
        line: dict[str, object] = {
            "Description": f"{TAKINGS}{method}",
            "LineAmount": to_amount(amount),
            "AccountCode": payment_account(ctx, method),
            "TaxAmount": ZERO,
        }
        tax = no_tax_type(ctx)
        if tax:
            line["TaxType"] = tax
        if ctx.tracking:
            line["Tracking"] = ctx.tracking
        lines.append(line)
    return lines


def takings_accounts(body: dict) -> set[str]:
    """The payment accounts a journal we built moved the day's takings to."""
    lines = body.get("JournalLines") or []
    return {line["AccountCode"] for line in lines if line["Description"].startswith(TAKINGS)}


def check_journal_balances(narration: str, lines: list[dict]) -> None:
    """Debits and credits cancel to the cent, or the journal is not sent."""
    debits = sum((line["LineAmount"] for line in lines if line["LineAmount"] > 0), ZERO)
    credits = sum((line["LineAmount"] for line in lines if line["LineAmount"] < 0), ZERO)
    if debits + credits != 0:
        message = UNBALANCED_JOURNAL.format(narration=narration, debits=debits, credits=credits)
        raise AssertionError(message)


def journal_currency(sales: list[SaleData], narration: str, base_currency: str) -> str:
    currencies = sorted({sale.currency for sale in sales})
    if len(currencies) != 1:
        raise ValueError(MIXED_CURRENCIES.format(currencies=currencies))
    currency = currencies[0]
    if base_currency and currency != base_currency:
        message = NOT_BASE_CURRENCY.format(
            narration=narration, currency=currency, base=base_currency
        )
        raise NotBaseCurrency(message)
    return currency


def build_journal_document(
    sales: list[SaleData],
    ctx: ExportContext,
    *,
    day: datetime.date,
    sequence: int = 1,
    number: str | None = None,
) -> BuiltDocument:
    """One POSTED manual journal for a business day's sales and refunds of one outlet.

    Its narration (the document's number) names the business day, so a journal posted on
    the first open date after a lock still says which day it holds.
    """
    currency = sorted({sale.currency for sale in sales})[0] if sales else ""
    narration = number or journal_narration(ctx.number_prefix, day, currency, sequence)
    currency = journal_currency(sales, narration, ctx.base_currency)
    takings = [sale for sale in sales if not sale.is_refund]
    refunds = [sale for sale in sales if sale.is_refund]
    paid = payment_lines(takings, refunds, ctx)
    lines = revenue_lines(takings, refunds, ctx) + paid
    posted, _ = posting_date(day, ctx.lock)
    body = {
        "Narration": narration,
        "Date": posted.isoformat(),
        "LineAmountTypes": "Inclusive",
        "Status": "POSTED",
        "JournalLines": lines,
    }
    check_journal_balances(narration, lines)
    # Its total is the day's net takings (sales less refunds), what its payment lines move:
    # the figure the POS's day is compared with.
    total = to_amount(sum((line["LineAmount"] for line in paid), ZERO))
    return BuiltDocument(JOURNAL, narration, posted, currency, total, body)
