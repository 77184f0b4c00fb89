from decimal import Decimal

from .conftest import credit_note, data, invoice, messages


def create_invoice(api, **overrides):
    reply = api.put(
        "Invoices", {"Invoices": [invoice(**overrides)]}, params={"summarizeErrors": "false"}
    )
    return data(reply)["Invoices"][0]


def pay(api, amount, account="090", **target):
    target = target or {"Invoice": {"InvoiceNumber": "POS-1"}}
    payment = {
        **target,
        "Account": {"Code": account},
        "Date": "2026-11-23",
        "Amount": Decimal(amount),
        "Reference": "EFTPOS",
    }
    reply = api.put("Payments", {"Payments": [payment]}, params={"summarizeErrors": "false"})
    assert reply.status_code == 200, reply.text
    return data(reply)["Payments"][0]


def test_payment_marks_invoice_paid(api):
    stored = create_invoice(api)
    payment = pay(api, "115.00", Invoice={"InvoiceID": stored["InvoiceID"]})
    paid = data(api.get("Invoices/" + stored["InvoiceID"]))["Invoices"][0]
    assert payment["PaymentType"] == "ACCRECPAYMENT" and payment["Amount"] == Decimal("115.00")
    assert (paid["Status"], paid["AmountDue"], paid["AmountPaid"]) == (
        "PAID",
        Decimal("0.00"),
        Decimal("115.00"),
    )


def test_part_payment_reduces_amount_due(api):
    create_invoice(api)
    pay(api, "15.00")
    stored = data(api.get("Invoices/POS-1"))["Invoices"][0]
    assert (stored["Status"], stored["AmountDue"]) == ("AUTHORISED", Decimal("100.00"))


def test_payment_over_amount_due_is_rejected(api):
    create_invoice(api)
    failed = pay(api, "115.01")
    assert failed["HasValidationErrors"] is True
    assert messages(failed) == ["Payment amount exceeds the amount outstanding on this document"]


def test_payment_to_clearing_account_with_payments_enabled_is_allowed(api):
    create_invoice(api)
    assert pay(api, "115.00", account="615")["StatusAttributeString"] == "OK"


def test_payment_to_account_without_payments_is_rejected(api):
    create_invoice(api)
    assert messages(pay(api, "115.00", account="200")) == [
        "Payments can only be made to or from bank accounts or accounts with payments enabled."
    ]


def test_payment_on_draft_invoice_is_rejected(api):
    create_invoice(api, Status="DRAFT")
    assert messages(pay(api, "1.00")) == ["Payments can only be made against AUTHORISED documents."]


def test_payment_on_credit_note_reduces_remaining_credit(api):
    api.put("CreditNotes", {"CreditNotes": [credit_note()]})
    payment = pay(api, "23.00", CreditNote={"CreditNoteNumber": "CN-POS-1"})
    stored = data(api.get("CreditNotes", where='CreditNoteNumber=="CN-POS-1"'))["CreditNotes"][0]
    assert payment["PaymentType"] == "ARCREDITPAYMENT"
    assert (stored["RemainingCredit"], stored["Status"]) == (Decimal("0.00"), "PAID")


def test_single_payment_post_with_error_is_400_envelope(api):
    create_invoice(api)
    reply = api.post(
        "Payments",
        {
            "Invoice": {"InvoiceNumber": "POS-1"},
            "Account": {"Code": "090"},
            "Amount": Decimal(500),
            "Date": "2026-11-23",
        },
    )
    assert reply.status_code == 400 and data(reply)["Type"] == "ValidationException"


def test_payments_can_be_listed_with_where(api):
    create_invoice(api)
    pay(api, "10.00")
    found = data(api.get("Payments", where='Reference=="EFTPOS"'))["Payments"]
    assert [p["Amount"] for p in found] == [Decimal("10.00")]


def test_payment_with_a_fraction_of_a_cent_is_refused_not_rounded(api):
    create_invoice(api)
    failed = pay(api, "10.005")
    assert failed["HasValidationErrors"] is True and failed["StatusAttributeString"] == "ERROR"
    assert messages(failed) == ["Payment amount must not have more than 2 decimal places."]
    assert data(api.get("Invoices/POS-1"))["Invoices"][0]["AmountDue"] == Decimal("115.00")


def test_trailing_zeros_are_not_a_fraction_of_a_cent(api):
    create_invoice(api)
    assert pay(api, "10.000")["Amount"] == Decimal("10.00")


def test_payment_with_a_fraction_of_a_cent_is_rounded_when_the_switch_is_off(api):
    api.control("POST", "config", {"refuse_sub_cent_payments": False})
    create_invoice(api)
    assert pay(api, "10.005")["Amount"] == Decimal("10.01")
