"""Built bodies match the component schemas of Xero's official OpenAPI spec (xero_accounting.yaml).

`tests/xero_spec.py` skips these when the spec file is absent (and fails under CI).
"""

import dataclasses
import datetime

import pytest

from xero_integration.exports.builders import build_sale_document, build_summary_document

from .sample_sales import context, d, payment, refund, sale, sale_line

DAY = datetime.date(2026, 11, 23)


def assert_matches_spec(schema_name, body):
    # Imported lazily so that a missing helper skips these tests instead of breaking collection.
    xero_spec = pytest.importorskip("tests.xero_spec", reason="tests/xero_spec.py is not there yet")
    xero_spec.assert_matches_spec(schema_name, body)


def busy_sale(**overrides):
    """A sale with every kind of line: discount, tips, surcharge, rounding, two payment methods."""
    lines = (
        sale_line(
            quantity=d("1.2345"),
            unit_price=d("9.8765"),
            discount=d("1.00"),
            tax_amount=d("1.02"),
        ),
        sale_line(category="drinks", tax_code="FREE", tax_amount=d("0.00")),
    )
    extras = {"tips": d("2.00"), "surcharge": d("0.35"), "rounding": d("-0.02")}
    unpaid = sale(lines=lines, payments=(), **extras, **overrides)
    paid = (payment("card", unpaid.total - d("5.00")), payment("cash", "5.00"))
    return dataclasses.replace(unpaid, payments=paid)


def test_sale_invoice_matches_the_spec():
    doc = build_sale_document(busy_sale(), context())
    assert_matches_spec("Invoices", {"Invoices": [doc.body]})


def test_summary_invoice_matches_the_spec():
    sales = [busy_sale(sale_id="1"), busy_sale(sale_id="2")]
    doc = build_summary_document(sales, context(), day=DAY)
    assert_matches_spec("Invoices", {"Invoices": [doc.body]})


def test_refund_credit_note_matches_the_spec():
    doc = build_sale_document(refund(), context())
    assert_matches_spec("CreditNotes", {"CreditNotes": [doc.body]})


def test_summary_credit_note_matches_the_spec():
    doc = build_summary_document([refund(sale_id="R1"), refund(sale_id="R2")], context(), day=DAY)
    assert_matches_spec("CreditNotes", {"CreditNotes": [doc.body]})


def test_invoice_payments_match_the_spec():
    payments = build_sale_document(busy_sale(), context()).payments
    assert len(payments) == 2
    assert_matches_spec("Payments", {"Payments": payments})


def test_credit_note_payments_match_the_spec():
    assert_matches_spec("Payments", {"Payments": build_sale_document(refund(), context()).payments})


def test_a_body_that_breaks_the_spec_is_caught():
    body = build_sale_document(sale(), context()).body
    with pytest.raises(AssertionError, match="LineAmountTypes"):
        assert_matches_spec("Invoices", {"Invoices": [{**body, "LineAmountTypes": "Gross"}]})
