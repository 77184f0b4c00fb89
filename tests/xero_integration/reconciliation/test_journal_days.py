"""Reconciling daily_journal outlets against the sandbox Xero: a journal is read back by
its narration and counted from its lines; on-account invoices beside a day's journal or
summary are counted as what they are, open invoices."""

from decimal import Decimal

import pytest

from outlets.services import update_export_settings
from tests.sandbox_helpers import map_merchant, ready_connection, sandbox_documents
from tests.xero_integration.exports.test_on_account import ON_ACCOUNT_MAPPINGS, on_account_sale
from xero_integration.exports.engine import export_connection
from xero_integration.models import DayStatus, ExportDocument, Sale
from xero_integration.reconciliation.decisions import reexport_document
from xero_integration.reconciliation.services import reconcile_outlet

from .conftest import a_sale, change_in_xero, export_all, ingest


def journal_outlet(client, outlet, grouping="daily_journal"):
    update_export_settings(outlet=outlet, frequency="manual", grouping=grouping)
    connection = ready_connection(client, outlet.merchant)
    map_merchant(outlet.merchant, ON_ACCOUNT_MAPPINGS)
    return connection


@pytest.fixture
def connection(sandbox, client, outlet):
    return journal_outlet(client, outlet)


def reconcile_the_day(outlet):
    day = Sale.objects.filter(outlet=outlet).earliest("business_date").business_date
    [result] = reconcile_outlet(outlet=outlet, start=day, end=day)
    return result


def the_journal() -> ExportDocument:
    return ExportDocument.objects.get(kind="manual_journal", replaces__isnull=True)


def test_a_journal_day_reconciles_green_from_its_lines(sandbox, connection, outlet):
    ingest(
        outlet.merchant,
        a_sale("A1"),
        a_sale("A2", price="3.80"),
        a_sale("R1", price="1.00", sale_type="refund"),
    )
    export_all(outlet, connection)

    day = reconcile_the_day(outlet)

    assert (day.status, day.flags) == (DayStatus.GREEN, [])
    assert day.xero == {
        "sales": "16.60",
        "refunds": "2.00",
        "net": "14.60",
        "tax": "1.33",
        "paid": "14.60",
    }
    assert day.xero == {key: day.pos[key] for key in day.xero}
    [row] = day.documents
    assert (row["kind"], row["xero_status"], row["xero_total"]) == (
        "manual_journal",
        "POSTED",
        "14.60",
    )


def test_a_journal_voided_in_xero_shows_red_and_voided(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1"))
    export_all(outlet, connection)
    change_in_xero(sandbox, the_journal().number, kind="manual_journal", status="VOIDED")

    day = reconcile_the_day(outlet)

    assert day.status == DayStatus.RED
    assert [(f["flag"], f["number"]) for f in day.flags] == [("voided", the_journal().number)]
    assert (day.xero["net"], day.difference["net"]) == ("0.00", "-9.00")
    assert day.documents[0]["xero_status"] == "VOIDED"


def test_a_voided_journal_is_reexported_once_under_its_narration_and_r1(
    sandbox, connection, outlet
):
    ingest(outlet.merchant, a_sale("A1"))
    export_all(outlet, connection)
    narration = the_journal().number
    change_in_xero(sandbox, narration, kind="manual_journal", status="VOIDED")
    reconcile_the_day(outlet)

    replacement = reexport_document(document=the_journal())
    export_connection(connection_id=connection.pk)
    export_connection(connection_id=connection.pk)  # a second run sends nothing more

    journals = sandbox_documents(sandbox, connection.tenant_id)["ManualJournals"]
    assert sorted((j["Narration"], j["Status"]) for j in journals) == [
        (narration, "VOIDED"),
        (f"{narration} R1", "POSTED"),
    ]
    assert replacement.number == f"{narration} R1"
    assert reconcile_the_day(outlet).status == DayStatus.GREEN


def test_a_journal_whose_lines_differ_from_what_was_sent_is_flagged_amount_changed(
    sandbox, connection, outlet
):
    ingest(outlet.merchant, a_sale("A1"))
    export_all(outlet, connection)
    journal = the_journal()
    # What we sent said 8.00 where Xero's journal moves 9.00 (as after an edit in Xero).
    body = journal.body.replace("9.00", "8.00")
    assert body != journal.body
    ExportDocument.objects.filter(pk=journal.pk).update(body=body)

    day = reconcile_the_day(outlet)

    assert [(f["severity"], f["flag"]) for f in day.flags] == [("red", "amount_changed")]


@pytest.mark.parametrize("grouping", ["daily_journal", "daily_summary"])
def test_an_open_on_account_invoice_beside_the_day_reconciles_green(
    sandbox, client, outlet, grouping
):
    connection = journal_outlet(client, outlet, grouping)
    ingest(
        outlet.merchant,
        a_sale("A1", days_ago=1),
        on_account_sale("A2", deposit="2.00", hours_ago=24),
    )
    export_all(outlet, connection)

    day = reconcile_the_day(outlet)

    assert (day.status, day.flags) == (DayStatus.GREEN, [])
    assert (day.pos["net"], day.pos["paid"]) == ("18.00", "11.00")  # 7.00 still owed
    assert day.xero == {key: day.pos[key] for key in day.xero}
    assert day.pos["payments"] == {"account": "7.00", "card": "11.00"}
    invoice = next(d for d in day.documents if d["number"].endswith("-A2"))
    assert (invoice["xero_status"], invoice["xero_paid"]) == ("AUTHORISED", "2.00")


def test_a_later_payment_on_the_on_account_invoice_counts_on_both_sides(
    api, sandbox, connection, outlet
):
    ingest(outlet.merchant, a_sale("A1"), on_account_sale("A2", hours_ago=24))
    export_all(outlet, connection)
    reply = api.post(
        "/api/xero/sales/A2/payments",
        {"merchant_id": "M-ALLOWED", "payment_id": "P1", "method": "card", "amount": "9.00"},
        format="json",
    )
    assert reply.status_code == 201, reply.content
    export_all(outlet, connection)

    day = reconcile_the_day(outlet)

    assert (day.status, day.pos["paid"], day.xero["paid"]) == (DayStatus.GREEN, "18.00", "18.00")
    assert Decimal(day.difference["paid"]) == 0


def test_a_voided_on_account_invoice_is_reexported_to_its_customer(sandbox, connection, outlet):
    ingest(outlet.merchant, on_account_sale("A2", hours_ago=24))
    export_all(outlet, connection)
    change_in_xero(sandbox, "POSS1-A2", status="VOIDED")
    reconcile_the_day(outlet)

    replacement = reexport_document(document=ExportDocument.objects.get(number="POSS1-A2"))
    export_connection(connection_id=connection.pk)

    invoices = sandbox_documents(sandbox, connection.tenant_id)["Invoices"]
    [again] = [i for i in invoices if i["InvoiceNumber"] == "POSS1-A2-R1"]
    assert (again["Status"], again["Contact"]["Name"]) == ("AUTHORISED", "Jane Smith (C-42)")
    replacement.refresh_from_db()
    assert (replacement.status, replacement.customer_id) == ("sent", "C-42")
    assert reconcile_the_day(outlet).status == DayStatus.GREEN
