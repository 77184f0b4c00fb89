"""Pure document builders: sales and effective mappings in, Xero JSON out.

No database, no HTTP. Every document built here totals exactly the POS total of the
sales inside it, and its payments settle it to the cent. Line tax is always sent as
an explicit `TaxAmount` (the POS's own figure), because Xero's per-line rounding can
differ from the POS's by a cent and Xero lets the caller override it
(spec LineItem.TaxAmount: "This value can be overriden").
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from config.errors import Conflict, Invalid
from mappings.models import SpecialKind
from mappings.selectors import EffectiveMappings

from ..sales.limits import MAX_AMOUNT
from ..sales.money import ZERO, line_amount, to_amount, to_unit_price, total
from ..sales.types import SaleData, SaleLine
from .lock_dates import LockRule, posting_date
from .numbers import sale_document_number, summary_document_number

INVOICE = "invoice"
CREDIT_NOTE = "credit_note"

NO_REVENUE_ACCOUNT = (
    "No revenue account is mapped for category '{category}' and there is no '*' default."
)
NO_TAX_TYPE = "No Xero tax type is mapped for POS tax code '{tax_code}'."
NO_PAYMENT_ACCOUNT = "No Xero account is mapped for payment method '{method}'."
NO_SPECIAL_ACCOUNT = "No {kind} account is mapped, and a sale carries {kind}."
UNBALANCED = "Document {number} totals {document_total} but its sales total {sales_total}."
DOCUMENT_TOO_LARGE = (
    "Document {number} would total {total}, more than the largest amount that can be stored "
    "({limit}): export these sales per sale (the outlet's grouping), or enter them in Xero by "
    "hand and mark this export resolved."
)
LINE_TOO_LARGE = (
    "A line of document {number} ({description}) would amount to {amount}, more than the "
    "largest amount that can be stored ({limit}): export these sales per sale (the outlet's "
    "grouping), or enter them in Xero by hand and mark this export resolved."
)
MIXED_SUMMARY = "A summary needs sales of one kind and one currency, got kinds {kinds} and currencies {currencies}."


NO_CUSTOMER = (
    "Sale {sale_id} is paid on account ('{method}') but names no customer_id: the POS must "
    "send the customer, whose Xero contact the invoice is made out to."
)
# How long an on-account invoice gives the customer (Xero shows it overdue after).
ON_ACCOUNT_DUE_DAYS = 30


class UnmappedError(Conflict):
    """A sale needs a mapping that is not set; the detail says which."""


class NoCustomer(Invalid):
    """A sale paid on account without the customer it is owed by."""


@dataclass(frozen=True)
class LaterPaymentData:
    """A payment registered after an on-account sale (models.LaterPayment), as built."""

    payment_id: str
    method: str
    amount: Decimal
    paid_on: datetime.date


class DocumentTooLarge(Invalid):
    """Each sale fits, but their sum does not: the document cannot be stored or sent."""


@dataclass(frozen=True)
class ExportContext:
    """Everything about the outlet that a document needs, fetched before building."""

    number_prefix: str
    timezone: str
    mappings: EffectiveMappings
    contact: dict  # {"ContactID": …} when known, else {"Name": …}
    lock: LockRule = field(default_factory=LockRule)  # Xero's lock date, the outlet's policy
    base_currency: str = ""  # the organisation's, when the reference data has told it

    @property
    def tracking(self) -> list[dict]:
        return [{"Name": c, "Option": o} for c, o in sorted(self.mappings.tracking.items())]


@dataclass
class BuiltDocument:
    kind: str  # INVOICE or CREDIT_NOTE
    number: str
    date: datetime.date
    currency: str
    total: Decimal
    body: dict
    payments: list[dict] = field(default_factory=list)


# Lines --------------------------------------------------------------------------


def revenue_account(ctx: ExportContext, category: str) -> str:
    account = ctx.mappings.revenue_account(category)
    if not account:
        raise UnmappedError(NO_REVENUE_ACCOUNT.format(category=category))
    return account


def tax_type(ctx: ExportContext, tax_code: str) -> str:
    mapped = ctx.mappings.tax.get(tax_code)
    if not mapped:
        raise UnmappedError(NO_TAX_TYPE.format(tax_code=tax_code))
    return mapped


def special_account(ctx: ExportContext, kind: str) -> str:
    account = ctx.mappings.special.get(kind)
    if not account:
        raise UnmappedError(NO_SPECIAL_ACCOUNT.format(kind=kind.replace("_", " ")))
    return account


def payment_account(ctx: ExportContext, method: str) -> str:
    account = ctx.mappings.payment_account(method)
    if not account:
        raise UnmappedError(NO_PAYMENT_ACCOUNT.format(method=method))
    return account


def split_discount_tax(line: SaleLine) -> tuple[Decimal, Decimal]:
    """The POS's line tax split between the undiscounted amount and the discount.

    The two parts add up to the POS's tax exactly, so nothing is lost to rounding.
    """
    gross = line_amount(line.quantity, line.unit_price)
    if line.net_amount == 0:
        return line.tax_amount, ZERO
    gross_tax = to_amount(line.tax_amount * gross / line.net_amount)
    return gross_tax, line.tax_amount - gross_tax


def xero_line(
    description: str,
    quantity: Decimal,
    unit_amount: Decimal,
    account: str,
    tax: str | None,
    tax_amount: Decimal,
    ctx: ExportContext,
) -> dict:
    line: dict[str, object] = {
        "Description": description[:4000] or "POS sale",
        "Quantity": quantity,
        "UnitAmount": to_unit_price(unit_amount),
        "AccountCode": account,
        "TaxAmount": to_amount(tax_amount),
    }
    if tax:
        line["TaxType"] = tax
    if ctx.tracking:
        line["Tracking"] = ctx.tracking
    return line


def discount_account(ctx: ExportContext, line: SaleLine) -> str:
    # Discounts go to their own account when one is mapped, else they reduce revenue.
    return ctx.mappings.special.get(SpecialKind.DISCOUNT) or revenue_account(ctx, line.category)


def sale_lines(sale: SaleData, ctx: ExportContext) -> list[dict]:
    lines = []
    for line in sale.lines:
        account, tax = revenue_account(ctx, line.category), tax_type(ctx, line.tax_code)
        gross_tax, discount_tax = split_discount_tax(line)
        lines.append(
            xero_line(
                line.description, line.quantity, line.unit_price, account, tax, gross_tax, ctx
            )
        )
        if line.discount:
            lines.append(
                xero_line(
                    f"Discount: {line.description}",
                    Decimal(1),
                    -line.discount,
                    discount_account(ctx, line),
                    tax,
                    discount_tax,
                    ctx,
                )
            )
    return lines + extra_lines([sale], ctx)


EXTRA_AMOUNTS = [
    (SpecialKind.TIPS, "Tips", "tips"),
    (SpecialKind.SURCHARGE, "Surcharges", "surcharge"),
    (SpecialKind.ROUNDING, "Cash rounding", "rounding"),
]


def no_tax_type(ctx: ExportContext) -> str | None:
    # Tips, surcharges and rounding carry no POS tax; a "NONE" tax mapping names the
    # Xero tax type to show on them (e.g. BASEXCLUDED). TaxAmount 0 is sent either way.
    return ctx.mappings.tax.get("NONE")


def extra_lines(sales: list[SaleData], ctx: ExportContext) -> list[dict]:
    lines = []
    for kind, label, attribute in EXTRA_AMOUNTS:
        amount = total(getattr(sale, attribute) for sale in sales)
        if amount:
            account = special_account(ctx, kind)
            lines.append(xero_line(label, Decimal(1), amount, account, no_tax_type(ctx), ZERO, ctx))
    return lines


# Totals -------------------------------------------------------------------------


def document_total(lines: list[dict], amounts_include_tax: bool) -> Decimal:
    """The total Xero will compute for these lines."""
    amounts = total(line_amount(line["Quantity"], line["UnitAmount"]) for line in lines)
    return amounts if amounts_include_tax else amounts + total(line["TaxAmount"] for line in lines)


def check_balanced(
    number: str, lines: list[dict], sales: list[SaleData], inclusive: bool
) -> Decimal:
    sales_total = total(sale.total for sale in sales)
    built = document_total(lines, inclusive)
    if built != sales_total:
        raise AssertionError(
            UNBALANCED.format(number=number, document_total=built, sales_total=sales_total)
        )
    if abs(built) > MAX_AMOUNT:
        raise DocumentTooLarge(
            DOCUMENT_TOO_LARGE.format(number=number, total=built, limit=MAX_AMOUNT)
        )
    check_fits(number, lines)
    return built


def check_fits(number: str, lines: list[dict]) -> None:
    """Every line within the limit of a stored total (ExportDocument.total; sales/limits.py)."""
    for line in lines:
        amount = line_amount(line["Quantity"], line["UnitAmount"])
        if abs(amount) > MAX_AMOUNT:
            message = LINE_TOO_LARGE.format(
                number=number, description=line["Description"], amount=amount, limit=MAX_AMOUNT
            )
            raise DocumentTooLarge(message)


# Documents ----------------------------------------------------------------------


def document_body(
    kind: str,
    number: str,
    date: datetime.date,
    currency: str,
    amounts_include_tax: bool,
    lines: list[dict],
    ctx: ExportContext,
    reference: str,
) -> dict:
    body: dict[str, object] = {
        "Type": "ACCREC" if kind == INVOICE else "ACCRECCREDIT",
        "Contact": ctx.contact,
        "Date": date.isoformat(),
        "LineAmountTypes": "Inclusive" if amounts_include_tax else "Exclusive",
        "Reference": reference,
        "Status": "AUTHORISED",
        "CurrencyCode": currency,
        "LineItems": lines,
    }
    if kind == INVOICE:
        body["InvoiceNumber"] = number
        body["DueDate"] = date.isoformat()
    else:
        body["CreditNoteNumber"] = number
    return body


def payment_target(kind: str, number: str) -> dict:
    if kind == INVOICE:
        return {"Invoice": {"InvoiceNumber": number}}
    return {"CreditNote": {"CreditNoteNumber": number}}


def payments_for(
    kind: str, number: str, date: datetime.date, sales: list[SaleData], ctx: ExportContext
) -> list[dict]:
    """One Xero payment per payment method, settling the document exactly (but what is
    paid on account, which stays owed)."""
    later = ctx.mappings.on_account_methods()
    by_method: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for sale in sales:
        for payment in sale.payments:
            if payment.method not in later:
                by_method[payment.method] += payment.amount
    return [
        {
            **payment_target(kind, number),
            "Account": {"Code": payment_account(ctx, method)},
            "Date": date.isoformat(),
            "Amount": to_amount(amount),
            "Reference": f"{number} {method}"[:255],
        }
        for method, amount in sorted(by_method.items())
        if amount
    ]


def later_payment_reference(number: str, payment_id: str) -> str:
    return f"{number} {payment_id}"[:255]


def later_payments_for(
    kind: str, number: str, later: Sequence[LaterPaymentData], ctx: ExportContext
) -> list[dict]:
    """Payments registered after an on-account sale, each its own Xero payment."""
    payments = []
    for payment in later:
        paid_on, _ = posting_date(payment.paid_on, ctx.lock)
        payments.append(
            {
                **payment_target(kind, number),
                "Account": {"Code": payment_account(ctx, payment.method)},
                "Date": paid_on.isoformat(),
                "Amount": to_amount(payment.amount),
                "Reference": later_payment_reference(number, payment.payment_id),
            }
        )
    return payments


def on_account_method(sale: SaleData, ctx: ExportContext) -> str | None:
    """The sale's payment method that is paid later, if it has one."""
    later = ctx.mappings.on_account_methods()
    return next((p.method for p in sale.payments if p.method in later), None)


def customer_terms(
    body: dict, sale: SaleData, ctx: ExportContext, customer_contact: dict | None
) -> None:
    """An on-account sale is made out to its customer and left open for a while."""
    method = on_account_method(sale, ctx)
    if method is None:
        return
    if not sale.customer_id or customer_contact is None:
        raise NoCustomer(NO_CUSTOMER.format(sale_id=sale.sale_id, method=method))
    body["Contact"] = customer_contact
    if "DueDate" in body:
        due = datetime.date.fromisoformat(body["Date"]) + datetime.timedelta(ON_ACCOUNT_DUE_DAYS)
        body["DueDate"] = due.isoformat()


def build_sale_document(
    sale: SaleData,
    ctx: ExportContext,
    *,
    number: str | None = None,
    customer_contact: dict | None = None,
    later: Sequence[LaterPaymentData] = (),
) -> BuiltDocument:
    """One invoice for a sale, or one credit note for a refund, dated on its local day.

    `number` is the one the document was planned under, when it has one: a prefix
    changed since must not rename a document Xero may already hold. A sale paid on
    account is made out to `customer_contact` and its on-account part stays owed, to be
    settled by the `later` payments registered since.
    """
    kind = CREDIT_NOTE if sale.is_refund else INVOICE
    number = number or sale_document_number(ctx.number_prefix, sale.sale_id)
    date, late_note = posting_date(
        sale.occurred_at.astimezone(ZoneInfo(ctx.timezone)).date(), ctx.lock
    )
    lines = sale_lines(sale, ctx)
    reference = f"POS {'refund' if sale.is_refund else 'sale'} {sale.sale_id}"
    if sale.refund_of:
        reference += f" (refund of {sale.refund_of})"
    reference += late_note
    body = document_body(
        kind, number, date, sale.currency, sale.amounts_include_tax, lines, ctx, reference
    )
    customer_terms(body, sale, ctx, customer_contact)
    doc_total = check_balanced(number, lines, [sale], sale.amounts_include_tax)
    payments = payments_for(kind, number, date, [sale], ctx)
    payments += later_payments_for(kind, number, later, ctx)
    return BuiltDocument(kind, number, date, sale.currency, doc_total, body, payments)


def summary_lines(sales: list[SaleData], ctx: ExportContext) -> list[dict]:
    """The day's lines summed by (account, tax type): revenue, discounts, then extras.

    Each line is described by the POS categories summed in it ("Sales: coffee, pastry"),
    so a reader of the invoice in Xero sees what it holds, not only a tax code.
    Summaries are always tax-inclusive, so a day mixing inclusive and exclusive sales
    still fits in one document: an exclusive amount gets its tax added.
    """
    amounts: dict[tuple[str, str, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    categories: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for sale in sales:
        for line in sale.lines:
            account, tax = revenue_account(ctx, line.category), tax_type(ctx, line.tax_code)
            gross_tax, discount_tax = split_discount_tax(line)
            gross = line_amount(line.quantity, line.unit_price)
            discount = -line.discount
            if not sale.amounts_include_tax:
                gross, discount = gross + gross_tax, discount + discount_tax
            add(amounts[("Sales", account, tax)], gross, gross_tax)
            categories[("Sales", account, tax)].add(line.category)
            if line.discount:
                key = ("Discounts", discount_account(ctx, line), tax)
                add(amounts[key], discount, discount_tax)
                categories[key].add(line.category)
    lines = [
        xero_line(
            summary_description(label, categories[(label, account, tax)], tax),
            Decimal(1),
            amount,
            account,
            tax,
            tax_amount,
            ctx,
        )
        for (label, account, tax), (amount, tax_amount) in sorted(amounts.items(), key=sales_first)
        if amount or tax_amount
    ]
    return lines + extra_lines(sales, ctx)


def summary_description(label: str, categories: set[str], tax: str) -> str:
    """E.g. "Sales: coffee, pastry (OUTPUT)"."""
    return f"{label}: {', '.join(sorted(categories, key=str.lower))} ({tax})"


def sales_first(item: tuple[tuple[str, str, str], list[Decimal]]) -> tuple[bool, str, str]:
    # Plain sorting would put "Discounts" before "Sales"; a reader expects revenue first.
    (label, account, tax), _ = item
    return (label != "Sales", account, tax or "")


def add(pair: list[Decimal], amount: Decimal, tax_amount: Decimal) -> None:
    pair[0] += amount
    pair[1] += tax_amount


def summary_kind_and_currency(sales: list[SaleData]) -> tuple[str, str]:
    """The one document kind and currency of a summary's sales.

    Refunds carry positive amounts, so a refund mixed into a day's takings would be
    counted as a sale and still balance; a mixed list is refused rather than exported.
    """
    kinds = {CREDIT_NOTE if sale.is_refund else INVOICE for sale in sales}
    currencies = {sale.currency for sale in sales}
    if len(kinds) != 1 or len(currencies) != 1:
        raise ValueError(MIXED_SUMMARY.format(kinds=sorted(kinds), currencies=sorted(currencies)))
    return kinds.pop(), currencies.pop()


def build_summary_document(
    sales: list[SaleData],
    ctx: ExportContext,
    *,
    day: datetime.date,
    sequence: int = 1,
    number: str | None = None,
) -> BuiltDocument:
    """One document for a business day's sales (or refunds) of one outlet and currency."""
    kind, currency = summary_kind_and_currency(sales)
    number = number or summary_document_number(ctx.number_prefix, day, currency, kind, sequence)
    lines = summary_lines(sales, ctx)
    what = "refunds" if kind == CREDIT_NOTE else "takings"
    posted, late_note = posting_date(day, ctx.lock)
    reference = f"POS {what} {day:%d %b %Y}" + (
        f" (late sales, part {sequence})" if sequence > 1 else ""
    )
    body = document_body(kind, number, posted, currency, True, lines, ctx, reference + late_note)
    doc_total = check_balanced(number, lines, sales, inclusive=True)
    payments = payments_for(kind, number, posted, sales, ctx)
    return BuiltDocument(kind, number, posted, currency, doc_total, body, payments)
