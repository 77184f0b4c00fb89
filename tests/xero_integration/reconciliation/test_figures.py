"""The day's arithmetic, without a database or Xero: Decimal to the cent."""

import datetime
from decimal import Decimal

from xero_integration.reconciliation.figures import difference, pos_figures, xero_figures
from xero_integration.sales.types import SaleData, SaleLine, SalePayment

D = Decimal


def sale(total: str, *, refund=False, method="card", tips="0.00", tax="0.00") -> SaleData:
    line = SaleLine("coffee", "Flat white", D(1), D(total) - D(tips), D(0), "GST10", D(tax))
    return SaleData(
        sale_id="x",
        type="refund" if refund else "sale",
        occurred_at=datetime.datetime(2026, 11, 23, 10, tzinfo=datetime.timezone.utc),
        currency="AUD",
        amounts_include_tax=True,
        lines=(line,),
        payments=(SalePayment(method, D(total)),),
        tips=D(tips),
    )


def test_refunds_count_against_the_day_and_each_payment_method():
    figures, methods = pos_figures(
        [
            sale("10.00", tax="0.91", tips="1.00"),
            sale("4.50", method="cash"),
            sale("2.00", refund=True),
        ]
    )

    assert (figures["sales"], figures["refunds"], figures["net"]) == (
        D("14.50"),
        D("2.00"),
        D("12.50"),
    )
    assert (figures["tax"], figures["tips"]) == (D("0.91"), D("1.00"))
    assert methods == {"card": D("8.00"), "cash": D("4.50")}


def test_voided_and_deleted_documents_hold_nothing_in_xero():
    live = {
        "Status": "PAID",
        "Total": D("9.00"),
        "TotalTax": D("0.82"),
        "Payments": [{"Amount": D("9.00")}],
    }
    voided = {**live, "Status": "VOIDED"}
    credit = {
        "Status": "PAID",
        "Total": D("1.00"),
        "TotalTax": D("0.09"),
        "Payments": [{"Amount": D("1.00")}],
    }

    figures = xero_figures([live, voided, {**live, "Status": "DELETED"}], [credit])

    assert figures == {
        "sales": D("9.00"),
        "refunds": D("1.00"),
        "net": D("8.00"),
        "tax": D("0.73"),
        "paid": D("8.00"),
    }


def test_difference_is_xero_less_pos_and_stays_decimal():
    pos = {key: D("10.00") for key in ("sales", "refunds", "net", "tax", "paid")}
    xero = {**pos, "net": D("9.99")}

    assert difference(pos, xero)["net"] == D("-0.01")


def journal_line(amount: str, account: str, description: str, tax: str = "0.00") -> dict:
    return {
        "LineAmount": D(amount),
        "AccountCode": account,
        "Description": description,
        "TaxAmount": D(tax),
    }


def test_a_journal_counts_revenue_less_refunds_tax_and_takings_from_its_lines():
    journal = {
        "Status": "POSTED",
        "JournalLines": [
            journal_line("-11.00", "200", "Sales: coffee", tax="-1.00"),
            journal_line("1.10", "200", "Discounts: coffee", tax="0.10"),
            journal_line("2.20", "200", "Refunds: Sales: coffee", tax="0.20"),
            journal_line("7.70", "090", "Takings: card"),
        ],
    }

    figures = xero_figures([], [], [(journal, {"090"})])

    assert figures == {
        "sales": D("9.90"),
        "refunds": D("2.20"),
        "net": D("7.70"),
        "tax": D("0.70"),
        "paid": D("7.70"),
    }


def test_a_voided_journal_holds_nothing():
    journal = {"Status": "VOIDED", "JournalLines": [journal_line("-9.00", "200", "Sales")]}

    assert set(xero_figures([], [], [(journal, {"090"})]).values()) == {D(0)}


def test_what_is_sold_on_account_is_owed_not_paid_until_paid_later():
    on_account = SaleData(**{**vars(sale("9.00")), "payments": (SalePayment("account", D(9)),)})

    owed, _ = pos_figures([on_account], on_account={"account"})
    settled, _ = pos_figures([on_account], on_account={"account"}, paid_later=D("9.00"))

    assert (owed["paid"], settled["paid"]) == (D("0.00"), D("9.00"))
