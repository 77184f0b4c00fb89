"""The end of a fault run: the sandbox Xero's books against what the POS took, to the cent.

Independent of the service's database: a sale counts as in Xero only when Xero holds a
document with its number (per sale), or a summary of its outlet, day, currency and kind
whose totals add up.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from .shop import PER_SALE, PosSale

LIVE = ("AUTHORISED", "PAID")
BATCH = 50  # elements per call, the floor's divisor (Xero recommends batches of 50)


@dataclass
class OrganisationBooks:
    """One organisation's documents and payments as the sandbox holds them."""

    tenant_id: str
    invoices: list[dict]
    credit_notes: list[dict]
    payment_count: int
    calls: int
    max_per_minute: int
    rate_limited: int

    @property
    def documents(self) -> list[dict]:
        return [
            *({**d, "Number": d["InvoiceNumber"], "Kind": "invoice"} for d in self.invoices),
            *({**d, "Number": d["CreditNoteNumber"], "Kind": "credit"} for d in self.credit_notes),
        ]

    @property
    def call_floor(self) -> int:
        return math.ceil(len(self.documents) / BATCH) + math.ceil(self.payment_count / BATCH)


@dataclass
class Figures:
    sales: int = 0
    documents: int = 0
    payments: int = 0
    duplicates: int = 0
    missing: int = 0
    cents_off: int = 0
    unpaid: int = 0
    wrong_currency: int = 0
    calls: dict[str, tuple[int, int]] = field(default_factory=dict)  # org: (calls, floor)
    largest_minute: dict[str, int] = field(default_factory=dict)
    rate_limit_breaches: int = 0
    faults_served: dict[str, int] = field(default_factory=dict)
    seconds_last_fault_to_last_sale: float | None = None

    def lines(self) -> list[str]:
        calls = ", ".join(f"{org} {c} (floor {f})" for org, (c, f) in self.calls.items())
        minute = ", ".join(f"{org} {n}" for org, n in self.largest_minute.items())
        settled = self.seconds_last_fault_to_last_sale
        return [
            f"sales: {self.sales}",
            f"documents: {self.documents} (payments {self.payments})",
            f"calls against the floor (documents/50 + payments/50): {calls}",
            f"duplicates: {self.duplicates}",
            f"missing: {self.missing}",
            f"cents off: {self.cents_off}",
            f"unpaid documents: {self.unpaid}, in the wrong currency: {self.wrong_currency}",
            f"rate-limit breaches: {self.rate_limit_breaches}",
            f"largest minute of calls: {minute}",
            f"faults served: {dict(sorted(self.faults_served.items()))}",
            "time from the last fault to the last sale in Xero: "
            + ("never" if settled is None else f"{settled:.1f} s"),
        ]


def expected_documents(sales: list[PosSale]) -> dict[str, list[PosSale]]:
    """Each number the service makes, with the sales in it: per sale, or per outlet's day,
    currency and kind for summaries (their later sequences are matched by prefix)."""
    expected: dict[str, list[PosSale]] = defaultdict(list)
    for sale in sales:
        expected[document_number(sale)].append(sale)
    return expected


def document_number(sale: PosSale) -> str:
    prefix = sale.outlet.prefix
    if sale.outlet.grouping == PER_SALE:
        return f"{prefix}-{sale.body['id']}"
    number = f"{prefix}-{sale.business_date:%Y%m%d}-{sale.currency}"
    return number + "-CN" if sale.is_refund else number


def summary_base(number: str, expected: dict) -> str:
    """SYD-20261123-AUD-2 (a late supplementary summary) belongs to SYD-20261123-AUD."""
    base, _, tail = number.rpartition("-")
    return base if tail.isdigit() and number not in expected and base in expected else number


def compare(sales: list[PosSale], books: list[OrganisationBooks]) -> Figures:
    expected = expected_documents(sales)
    held = [d for org in books for d in org.documents if d["Status"] in LIVE]
    figures = Figures(sales=len(sales), documents=len(held))
    figures.payments = sum(org.payment_count for org in books)
    by_number: dict[str, list[dict]] = defaultdict(list)
    for document in held:
        by_number[summary_base(document["Number"], expected)].append(document)
    count_duplicates(figures, expected, by_number)
    for number, its_sales in expected.items():
        check_document(figures, its_sales, by_number.get(number, []))
    figures.unpaid = sum(1 for d in held if outstanding(d) != 0)
    for org in books:
        name = org.tenant_id[:8]
        figures.calls[name] = (org.calls, org.call_floor)
        figures.largest_minute[name] = org.max_per_minute
        figures.rate_limit_breaches += org.rate_limited
    return figures


def count_duplicates(figures: Figures, expected: dict, by_number: dict[str, list]) -> None:
    numbers = Counter(d["Number"] for docs in by_number.values() for d in docs)
    figures.duplicates = sum(n - 1 for n in numbers.values() if n > 1)
    # A document that is no sale's at all is one too many, too.
    figures.duplicates += sum(
        len(docs) for number, docs in by_number.items() if number not in expected
    )


def check_document(figures: Figures, sales: list[PosSale], documents: list[dict]) -> None:
    if not documents:
        figures.missing += len(sales)
        return
    took = sum((s.total for s in sales), Decimal(0))
    held = sum((Decimal(str(d["Total"])) for d in documents), Decimal(0))
    figures.cents_off += int(abs(took - held) * 100)
    figures.wrong_currency += sum(1 for d in documents if d["CurrencyCode"] != sales[0].currency)


def outstanding(document: dict) -> Decimal:
    field_name = "AmountDue" if document["Kind"] == "invoice" else "RemainingCredit"
    return Decimal(str(document[field_name]))
