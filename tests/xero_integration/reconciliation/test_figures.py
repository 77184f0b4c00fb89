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
