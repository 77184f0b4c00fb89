"""One sale → one AUTHORISED ACCREC invoice (or ACCRECCREDIT credit note) with its payments."""

import datetime

from xero_integration.exports.builders import (
    CREDIT_NOTE,
    INVOICE,
    build_sale_document,
    document_total,
)

from .sample_sales import CONTACT, context, d, payment, refund, sale, sale_line


def at(moment: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(moment)


def test_sale_becomes_an_authorised_accrec_invoice():
    doc = build_sale_document(sale(), context())
    assert doc.kind == INVOICE
    assert (doc.body["Type"], doc.body["Status"]) == ("ACCREC", "AUTHORISED")


def test_invoice_number_is_prefix_and_sale_id():
    doc = build_sale_document(sale(sale_id="4711"), context(number_prefix="BONDI"))
    assert doc.number == doc.body["InvoiceNumber"] == "BONDI-4711"


def test_invoice_is_sent_to_the_context_contact():
    assert build_sale_document(sale(), context()).body["Contact"] == CONTACT


def test_late_evening_sale_is_dated_on_its_local_day():
    doc = build_sale_document(sale(occurred_at=at("2026-11-23T23:30:00+11:00")), context())
    assert doc.date == datetime.date(2026, 11, 23)
    assert doc.body["Date"] == doc.body["DueDate"] == "2026-11-23"


def test_utc_afternoon_sale_is_dated_next_day_in_sydney():
    doc = build_sale_document(sale(occurred_at=at("2026-11-23T13:30:00+00:00")), context())
    assert doc.body["Date"] == "2026-11-24"


def test_sale_is_dated_in_the_outlet_zone_not_the_sale_offset():
    doc = build_sale_document(
        sale(occurred_at=at("2026-11-23T13:30:00+00:00")), context(timezone="Europe/London")
    )
    assert doc.body["Date"] == "2026-11-23"


def test_tax_inclusive_sale_sends_inclusive_line_amounts():
    doc = build_sale_document(sale(amounts_include_tax=True), context())
    assert doc.body["LineAmountTypes"] == "Inclusive"


def test_tax_exclusive_sale_sends_exclusive_line_amounts():
    doc = build_sale_document(sale(amounts_include_tax=False), context())
    assert doc.body["LineAmountTypes"] == "Exclusive"
    assert doc.total == d("12.00")  # 11.00 + 1.00 tax on top


def test_currency_code_is_carried():
    doc = build_sale_document(sale(currency="NZD"), context())
    assert (doc.currency, doc.body["CurrencyCode"]) == ("NZD", "NZD")


def test_line_carries_quantity_unit_price_account_tax_type_and_pos_tax():
    line = sale_line(quantity=d("2.5"), unit_price=d("3.1234"), tax_amount=d("0.71"))
    [item] = build_sale_document(sale(lines=(line,)), context()).body["LineItems"]
    assert item["Quantity"] == d("2.5")
    assert item["UnitAmount"] == d("3.1234")
    assert (item["AccountCode"], item["TaxType"], item["TaxAmount"]) == ("200", "OUTPUT", d("0.71"))
    assert item["Description"] == "Flat white"


def test_one_payment_per_payment_method_to_its_mapped_account():
    paid = (payment("card", "5.00"), payment("cash", "4.00"), payment("card", "2.00"))
    doc = build_sale_document(sale(payments=paid), context())
    assert [(p["Account"]["Code"], p["Amount"]) for p in doc.payments] == [
        ("090", d("7.00")),
        ("091", d("4.00")),
    ]


def test_payment_names_the_invoice_date_and_a_reference():
    [paid] = build_sale_document(sale(sale_id="42"), context()).payments
    assert paid["Invoice"] == {"InvoiceNumber": "SYD-42"}
    assert paid["Date"] == "2026-11-23"
    assert paid["Reference"] == "SYD-42 card"


def test_payments_total_equals_document_total():
    paid = (payment("card", "3.33"), payment("cash", "7.67"))
    doc = build_sale_document(sale(payments=paid), context())
    assert sum(p["Amount"] for p in doc.payments) == doc.total == d("11.00")


def test_document_total_is_the_sale_total():
    lines = (sale_line(), sale_line(category="drinks", unit_price=d("4.50"), tax_amount=d("0.41")))
    doc = build_sale_document(sale(lines=lines, tips=d("2.00")), context())
    assert doc.total == document_total(doc.body["LineItems"], True) == d("17.50")


def test_zero_total_sale_has_no_payments():
    free = sale_line(unit_price=d("0.00"), tax_amount=d("0.00"))
    assert build_sale_document(sale(lines=(free,)), context()).payments == []


def test_refund_becomes_an_authorised_accreccredit_credit_note():
    doc = build_sale_document(refund(sale_id="R-7"), context())
    assert doc.kind == CREDIT_NOTE
    assert (doc.body["Type"], doc.body["Status"]) == ("ACCRECCREDIT", "AUTHORISED")
    assert doc.number == doc.body["CreditNoteNumber"] == "SYD-R-7"
    assert "InvoiceNumber" not in doc.body


def test_refund_reference_names_the_refunded_sale():
    doc = build_sale_document(refund(sale_id="R-7", refund_of="1001"), context())
    assert doc.body["Reference"] == "POS refund R-7 (refund of 1001)"


def test_refund_is_paid_out_against_the_credit_note():
    [paid] = build_sale_document(refund(sale_id="R-7"), context()).payments
    assert paid["CreditNote"] == {"CreditNoteNumber": "SYD-R-7"}
    assert "Invoice" not in paid
    assert paid["Amount"] == d("11.00")
