"""A sale paid on account: made out to its customer, its owed part left open, paid later."""

import datetime

import pytest

from xero_integration.exports.builders import (
    NO_CUSTOMER,
    LaterPaymentData,
    NoCustomer,
    build_sale_document,
)

from .sample_sales import context, d, mappings, payment, sale
from .test_builders_match_spec import assert_matches_spec

CUSTOMER = {"ContactID": "0f8f3b1e-4c55-4d5e-9a55-3d1a6f6a1b2c"}


def on_account_context():
    return context(mappings=mappings(payments={"card": "090", "account": "ON_ACCOUNT"}))


def layby(**overrides):
    """An $11.00 sale: $3.00 deposit by card, $8.00 owed by customer C-42."""
    paid = (payment("card", "3.00"), payment("account", "8.00"))
    return sale(**{"payments": paid, "customer_id": "C-42", **overrides})


def build(sold, **kwargs):
    return build_sale_document(sold, on_account_context(), customer_contact=CUSTOMER, **kwargs)


def test_the_invoice_is_made_out_to_the_customers_contact():
    assert build(layby()).body["Contact"] == CUSTOMER


def test_only_what_was_paid_at_the_till_is_paid_now():
    doc = build(layby())

    assert [(p["Account"]["Code"], p["Amount"]) for p in doc.payments] == [("090", d("3.00"))]
    assert doc.total == d("11.00")


def test_an_on_account_invoice_is_due_thirty_days_after_its_date():
    body = build(layby()).body

    due = datetime.date.fromisoformat(body["Date"]) + datetime.timedelta(days=30)
    assert body["DueDate"] == due.isoformat()


def test_later_payments_are_each_a_payment_referencing_their_pos_id():
    later = [LaterPaymentData("P1", "card", d("5.00"), datetime.date(2026, 11, 30))]

    doc = build(layby(), later=later)

    assert doc.payments[-1] == {
        "Invoice": {"InvoiceNumber": "SYD-1001"},
        "Account": {"Code": "090"},
        "Date": "2026-11-30",
        "Amount": d("5.00"),
        "Reference": "SYD-1001 P1",
    }
    assert_matches_spec("Payments", {"Payments": doc.payments})


def test_a_sale_on_account_without_a_customer_is_refused_with_the_reason():
    with pytest.raises(NoCustomer) as refused:
        build(layby(customer_id=None))

    assert str(refused.value) == NO_CUSTOMER.format(sale_id="1001", method="account")


def test_the_invoice_matches_the_spec():
    assert_matches_spec("Invoices", {"Invoices": [build(layby()).body]})
