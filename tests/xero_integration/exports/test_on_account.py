"""On-account and layby sales against the sandbox Xero: the sale is its own invoice to the
customer's contact, left open, and payments registered later through the API settle it,
each exactly once."""

from decimal import Decimal

import pytest

from outlets.services import update_export_settings
from tests.sandbox_helpers import MAPPINGS, map_merchant, ready_connection, sandbox_post
from xero_integration.exports.builders import NO_CUSTOMER
from xero_integration.exports.engine import export_connection
from xero_integration.models import ExportDocument, ExportStatus

from .test_engine import a_minute_later, a_sale, ingest, puts_to, xero

pytestmark = pytest.mark.usefixtures("quick_backoff")
ON_ACCOUNT_MAPPINGS = {"payments": [*MAPPINGS["payments"], ("account", "ON_ACCOUNT")]}
URL = "/api/xero/sales/{sale_id}/payments"


@pytest.fixture
def connection(sandbox, client, outlet):
    update_export_settings(outlet=outlet, frequency="realtime", grouping="per_sale")
    connection = ready_connection(client, outlet.merchant)
    map_merchant(outlet.merchant, ON_ACCOUNT_MAPPINGS)
    return connection


def on_account_sale(sale_id="A1", customer="C-42", deposit=None, **extra):
    """A $9.00 sale owed by its customer, less any deposit paid by card."""
    sale = a_sale(sale_id, customer_id=customer, customer_name="Jane Smith", **extra)
    owed = Decimal("9.00") - Decimal(deposit or "0")
    sale["payments"] = [{"method": "account", "amount": str(owed)}]
    if deposit:
        sale["payments"].append({"method": "card", "amount": deposit})
    return sale


def pay(api, sale_id, payment_id, amount, method="card"):
    body = {
        "merchant_id": "M-ALLOWED",
        "payment_id": payment_id,
        "method": method,
        "amount": amount,
    }
    return api.post(URL.format(sale_id=sale_id), body, format="json")


def invoice(sandbox, connection, number="POSS1-A1") -> dict:
    [found] = [i for i in xero(sandbox, connection)["Invoices"] if i["InvoiceNumber"] == number]
    return found


def customer_contacts(sandbox, connection) -> list[dict]:
    state = xero(sandbox, connection)
    return [i["Contact"] for i in state["Invoices"]]


def test_an_on_account_sale_stays_open_in_xero_against_its_customer(sandbox, connection, outlet):
    ingest(outlet.merchant, on_account_sale())

    export_connection(connection_id=connection.pk)

    sent = invoice(sandbox, connection)
    assert (sent["Status"], Decimal(str(sent["AmountDue"]))) == ("AUTHORISED", Decimal("9.00"))
    assert sent["Contact"]["Name"] == "Jane Smith (C-42)"
    document = ExportDocument.objects.get()
    assert (document.status, document.payments_status) == (ExportStatus.SENT, ExportStatus.SENT)


def test_a_later_payment_registered_through_the_api_pays_it(api, sandbox, connection, outlet):
    ingest(outlet.merchant, on_account_sale())
    export_connection(connection_id=connection.pk)

    response = pay(api, "A1", "P1", "9.00")
    export_connection(connection_id=connection.pk)

    assert response.status_code == 201
    assert response.json() == {
        "sale_id": "A1",
        "payment_id": "P1",
        "status": "accepted",
        "owed": "0.00",
    }
    paid = invoice(sandbox, connection)
    assert (paid["Status"], Decimal(str(paid["AmountPaid"]))) == ("PAID", Decimal("9.00"))
    assert [p["Reference"] for p in xero(sandbox, connection)["Payments"]] == ["POSS1-A1 P1"]


def test_a_layby_is_paid_by_its_deposit_then_by_instalments(api, sandbox, connection, outlet):
    ingest(outlet.merchant, on_account_sale(deposit="2.00"))
    export_connection(connection_id=connection.pk)
    assert Decimal(str(invoice(sandbox, connection)["AmountDue"])) == Decimal("7.00")

    pay(api, "A1", "P1", "3.00")
    export_connection(connection_id=connection.pk)
    pay(api, "A1", "P2", "4.00")
    export_connection(connection_id=connection.pk)

    paid = invoice(sandbox, connection)
    assert (paid["Status"], Decimal(str(paid["AmountPaid"]))) == ("PAID", Decimal("9.00"))
    assert len(xero(sandbox, connection)["Payments"]) == 3


def test_a_later_payment_whose_answer_was_lost_is_applied_once(api, sandbox, connection, outlet):
    ingest(outlet.merchant, on_account_sale())
    export_connection(connection_id=connection.pk)
    pay(api, "A1", "P1", "9.00")
    fault = {"kind": "drop_after_store", "count": 1, "path_contains": "Payments", "method": "PUT"}
    sandbox_post(sandbox, "faults", fault)
    export_connection(connection_id=connection.pk)

    a_minute_later()
    export_connection(connection_id=connection.pk)

    assert len(xero(sandbox, connection)["Payments"]) == 1
    assert puts_to(sandbox, "Payments") == 1
    assert invoice(sandbox, connection)["Status"] == "PAID"
    assert ExportDocument.objects.get().payments_status == ExportStatus.SENT


def test_the_same_customer_gets_one_contact(sandbox, connection, outlet):
    ingest(outlet.merchant, on_account_sale("A1"), on_account_sale("A2"))

    export_connection(connection_id=connection.pk)

    contacts = {c["ContactID"] for c in customer_contacts(sandbox, connection)}
    assert len(contacts) == 1


def test_an_on_account_sale_is_its_own_invoice_in_a_daily_summary_outlet(
    sandbox, connection, outlet
):
    update_export_settings(outlet=outlet, grouping="daily_summary")
    ingest(outlet.merchant, on_account_sale(hours_ago=30), a_sale("W1", hours_ago=30))

    export_connection(connection_id=connection.pk)

    numbers = sorted(i["InvoiceNumber"] for i in xero(sandbox, connection)["Invoices"])
    assert len(numbers) == 2 and "POSS1-A1" in numbers
    assert invoice(sandbox, connection)["Status"] == "AUTHORISED"


def test_registering_the_same_payment_twice_changes_nothing(api, sandbox, connection, outlet):
    ingest(outlet.merchant, on_account_sale())

    pay(api, "A1", "P1", "4.00")
    again = pay(api, "A1", "P1", "4.00")

    assert (again.status_code, again.json()["status"], again.json()["owed"]) == (
        200,
        "duplicate",
        "5.00",
    )


def test_a_payment_id_reused_with_another_amount_is_a_conflict(api, sandbox, connection, outlet):
    ingest(outlet.merchant, on_account_sale())
    pay(api, "A1", "P1", "4.00")

    assert pay(api, "A1", "P1", "5.00").status_code == 409


def test_paying_more_than_is_owed_names_the_amount(api, sandbox, connection, outlet):
    ingest(outlet.merchant, on_account_sale(deposit="2.00"))

    response = pay(api, "A1", "P1", "7.01")

    assert response.status_code == 400
    assert response.json()["fields"]["amount"] == ["Only 7.00 is still owed on sale 'A1'."]


def test_paying_a_sale_not_sold_on_account_names_the_sale(api, sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("W1"))

    response = pay(api, "W1", "P1", "1.00")

    assert response.status_code == 400 and "sale_id" in response.json()["fields"]


def test_a_payment_as_a_json_number_names_the_amount(api, sandbox, connection, outlet):
    ingest(outlet.merchant, on_account_sale())

    response = api.post(
        URL.format(sale_id="A1"),
        {"merchant_id": "M-ALLOWED", "payment_id": "P1", "method": "card", "amount": 9},
        format="json",
    )

    assert response.status_code == 400 and "amount" in response.json()["fields"]


def test_another_merchants_sale_is_404(api, other_outlet):
    assert pay(api, "A1", "P1", "1.00").status_code == 404
    response = api.post(
        URL.format(sale_id="A1"),
        {"merchant_id": "M-OTHER", "payment_id": "P1", "method": "card", "amount": "1.00"},
        format="json",
    )
    assert response.status_code == 404


def test_a_sale_on_account_without_a_customer_fails_with_the_reason(sandbox, connection, outlet):
    sale = on_account_sale()
    del sale["customer_id"], sale["customer_name"]
    ingest(outlet.merchant, sale)

    export_connection(connection_id=connection.pk)

    document = ExportDocument.objects.get()
    assert document.status == ExportStatus.FAILED
    assert NO_CUSTOMER.format(sale_id="A1", method="account") in document.last_error
    assert xero(sandbox, connection)["Invoices"] == []


def test_a_refund_on_account_is_a_credit_note_to_the_customer_left_open(
    sandbox, connection, outlet
):
    refund = on_account_sale("R1", sale_type="refund")

    ingest(outlet.merchant, refund)
    export_connection(connection_id=connection.pk)

    [credit_note] = xero(sandbox, connection)["CreditNotes"]
    assert credit_note["Contact"]["Name"] == "Jane Smith (C-42)"
    assert Decimal(str(credit_note["RemainingCredit"])) == Decimal("9.00")
