"""Xero's official Python SDK (xero-python) reads every shape the sandbox answers.

The SDK's own deserializer is given the sandbox's JSON (parsed with Decimal, as the SDK does),
without its HTTP stack: if the SDK cannot parse an answer, the sandbox is not answering as
Xero does. A refused element that echoed the caller's ISO dates was one such answer.
"""

import datetime
from decimal import Decimal

import requests
import xero_python.accounting.models as accounting_models
import xero_python.identity.models as identity_models
from xero_python.api_client import ModelFinder
from xero_python.api_client.deserializer import deserialize

from .conftest import TIMEOUT, credit_note, data, invoice

ACCOUNTING = ModelFinder(accounting_models)
IDENTITY = ModelFinder(identity_models)
NOV_23 = datetime.date(2026, 11, 23)
ZERO_GUID = "00000000-0000-0000-0000-000000000000"  # the SDK keeps ids as text


def read(model, reply):
    assert reply.status_code in (200, 400), reply.text
    return deserialize(model, data(reply), ACCOUNTING)


def put(api, path, elements, **params):
    return api.put(path, {path: elements}, params={"summarizeErrors": "false", **params})


def refused_invoice():
    line = {**invoice()["LineItems"][0], "AccountCode": "999"}
    return invoice(InvoiceNumber="POS-2", LineItems=[line])


def test_sdk_reads_get_invoices(api):
    put(api, "Invoices", [invoice()])
    invoices = read("Invoices", api.get("Invoices")).invoices
    assert invoices[0].invoice_number == "POS-1" and invoices[0].date == NOV_23
    assert invoices[0].total == Decimal("115.00")
    assert invoices[0].line_items[0].tax_type == "OUTPUT"


def test_sdk_reads_a_batch_answer_with_a_refused_element(api):
    answer = read("Invoices", put(api, "Invoices", [invoice(), refused_invoice()])).invoices
    stored, refused = answer
    assert (stored.status_attribute_string, stored.has_errors) == ("OK", False)
    assert refused.invoice_id == ZERO_GUID and refused.date == NOV_23
    assert refused.due_date == NOV_23 and refused.total == Decimal("115.00")
    assert refused.has_errors is True and refused.status_attribute_string == "ERROR"
    assert refused.validation_errors[0].message.startswith("Account code '999'")


def test_sdk_reads_the_summarised_400(api):
    error = read("Error", api.put("Invoices", {"Invoices": [refused_invoice()]}))
    assert error.error_number == 10 and error.type == "ValidationException"
    assert error.elements[0].invoice_id == ZERO_GUID


def test_sdk_reads_credit_notes(api):
    put(api, "CreditNotes", [credit_note()])
    notes = read("CreditNotes", api.get("CreditNotes")).credit_notes
    assert notes[0].credit_note_number == "CN-POS-1" and notes[0].date == NOV_23


def test_sdk_reads_a_payments_answer_and_a_refused_payment(api):
    put(api, "Invoices", [invoice()])
    payment = {"Invoice": {"InvoiceNumber": "POS-1"}, "Account": {"Code": "090"}}
    good = {**payment, "Date": "2026-11-23", "Amount": Decimal("15.00")}
    bad = {**payment, "Date": "2026-11-23", "Amount": Decimal("500.00")}
    stored, refused = read("Payments", put(api, "Payments", [good, bad])).payments
    assert stored.amount == Decimal("15.00") and stored.date == NOV_23
    assert stored.payment_type == "ACCRECPAYMENT"
    assert refused.payment_id == ZERO_GUID and refused.has_validation_errors is True
    listed = read("Payments", api.get("Payments")).payments
    assert [p.invoice.invoice_number for p in listed] == ["POS-1"]


def test_sdk_reads_accounts(api):
    accounts = {a.code: a for a in read("Accounts", api.get("Accounts")).accounts}
    assert accounts["860"].system_account == "ROUNDING"
    assert accounts["200"].type.value == "REVENUE" and accounts["200"]._class == "REVENUE"
    assert isinstance(accounts["090"].updated_date_utc, datetime.datetime)


def test_sdk_reads_tax_rates(api):
    rates = {r.tax_type: r for r in read("TaxRates", api.get("TaxRates")).tax_rates}
    assert rates["OUTPUT"].effective_rate == Decimal("10.0000")
    assert rates["OUTPUT"].can_apply_to_expenses is False


def test_sdk_reads_contacts_and_tracking_categories(api):
    contacts = read("Contacts", api.get("Contacts", page=1)).contacts
    assert len(contacts) == 100 and contacts[0].contact_status == "ACTIVE"
    categories = read("TrackingCategories", api.get("TrackingCategories")).tracking_categories
    assert {c.name for c in categories} == {"Region", "Channel"}


def test_sdk_reads_the_organisation(api):
    organisation = read("Organisations", api.get("Organisation")).organisations[0]
    assert organisation.base_currency.value == "AUD"
    assert organisation.period_lock_date == datetime.date(2000, 12, 31)


def test_sdk_reads_connections(api):
    reply = requests.get(
        api.base_url + "/Connections",
        headers={"Authorization": "Bearer " + api.tokens["access_token"]},
        timeout=TIMEOUT,
    )
    connections = deserialize("list[Connection]", reply.json(), IDENTITY)
    assert [str(c.tenant_id) for c in connections] == [api.tokens["tenant_id"]]
    assert isinstance(connections[0].created_date_utc, datetime.datetime)
