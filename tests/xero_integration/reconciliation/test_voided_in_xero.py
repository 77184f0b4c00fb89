"""A document voided in Xero after export: the signed webhook reads it back, the day shows
it voided, and re-exporting sends it once under a new number."""

import requests
from django.utils import timezone

from tests.sandbox_helpers import sandbox_documents
from xero_integration.exports.engine import export_connection
from xero_integration.models import DayStatus, ExportDocument, ReconciliationDay, Sale
from xero_integration.reconciliation.decisions import reexport_document
from xero_integration.reconciliation.services import reconcile_outlet

from .conftest import a_sale, change_in_xero, export_all, ingest, run_queued


def yesterday_of(outlet):
    return Sale.objects.filter(outlet=outlet).earliest("business_date").business_date


def deliver(client, event):
    return client.post(
        "/xero/webhooks",
        data=event["body"],
        content_type="application/json",
        HTTP_X_XERO_SIGNATURE=event["signature"],
    )


def test_document_voided_in_xero_shows_voided_after_its_signed_webhook(
    sandbox, connection, outlet, client, django_capture_on_commit_callbacks
):
    ingest(outlet.merchant, a_sale("A1"), a_sale("A2", price="3.80"))
    export_all(outlet, connection)
    changed = change_in_xero(sandbox, "POSS1-A1", status="VOIDED")

    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, changed["event"]).status_code == 200
    run_queued("reconcile_outlet_task")

    day = ReconciliationDay.objects.get(outlet=outlet)
    assert day.status == DayStatus.RED
    assert [(f["flag"], f["number"]) for f in day.flags] == [("voided", "POSS1-A1")]
    assert day.difference["net"] == "-9.00"
    voided = next(d for d in day.documents if d["number"] == "POSS1-A1")
    assert (voided["xero_status"], voided["change"]) == ("VOIDED", "voided")


def test_reexport_sends_the_voided_document_once_under_a_new_number(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1"))
    export_all(outlet, connection)
    change_in_xero(sandbox, "POSS1-A1", status="VOIDED")
    reconcile_outlet(outlet=outlet, start=yesterday_of(outlet), end=yesterday_of(outlet))

    reexport_document(document=ExportDocument.objects.get(number="POSS1-A1"))
    export_connection(connection_id=connection.pk)
    export_connection(connection_id=connection.pk)  # a second run sends nothing more

    invoices = sandbox_documents(sandbox, connection.tenant_id)["Invoices"]
    assert sorted((i["InvoiceNumber"], i["Status"]) for i in invoices) == [
        ("POSS1-A1", "VOIDED"),
        ("POSS1-A1-R1", "PAID"),
    ]
    day = reconcile_outlet(outlet=outlet, start=yesterday_of(outlet), end=yesterday_of(outlet))[0]
    assert day.status == DayStatus.GREEN
    assert day.difference["net"] == "0.00"


def test_day_matching_xero_is_green_with_pos_and_xero_side_by_side(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1"), a_sale("R1", price="1.00", sale_type="refund"))
    export_all(outlet, connection)

    day = reconcile_outlet(outlet=outlet, start=yesterday_of(outlet), end=yesterday_of(outlet))[0]

    assert day.status == DayStatus.GREEN
    assert day.pos["net"] == day.xero["net"] == "7.00"
    assert day.pos["payments"] == {"card": "7.00"}
    assert day.xero["refunds"] == "2.00"


def test_deleted_payment_in_xero_is_flagged_as_payment_removed(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1"))
    export_all(outlet, connection)
    change_in_xero(sandbox, "POSS1-A1", remove_payments=True)

    day = reconcile_outlet(outlet=outlet, start=yesterday_of(outlet), end=yesterday_of(outlet))[0]

    assert [f["flag"] for f in day.flags] == ["payment_removed"]
    assert day.difference["paid"] == "-9.00"


def test_amount_changed_in_xero_is_flagged(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1"))
    export_all(outlet, connection)
    change_in_xero(sandbox, "POSS1-A1", remove_payments=True, total="8.00")

    day = reconcile_outlet(outlet=outlet, start=yesterday_of(outlet), end=yesterday_of(outlet))[0]

    assert [f["flag"] for f in day.flags] == ["amount_changed"]


def test_sales_not_yet_exported_leave_the_day_amber(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1"))
    day_of_sale = yesterday_of(outlet)

    day = reconcile_outlet(outlet=outlet, start=day_of_sale, end=day_of_sale)[0]

    assert day.status == DayStatus.AMBER
    assert [f["flag"] for f in day.flags] == ["not_planned"]
    assert day.checked_at <= timezone.now()


def test_reading_back_120_documents_takes_three_calls(sandbox, connection, outlet):
    ingest(outlet.merchant, *(a_sale(f"B{n}", days_ago=1 + n % 3) for n in range(120)))
    export_all(outlet, connection)
    before = invoice_lookups(sandbox)
    first, last = sorted({s.business_date for s in Sale.objects.all()})[::2]

    days = reconcile_outlet(outlet=outlet, start=first, end=last)

    assert [day.status for day in days] == [DayStatus.GREEN] * 3
    assert invoice_lookups(sandbox) - before == 3  # 50 numbers a call


def invoice_lookups(base) -> int:
    calls = requests.get(f"{base}/_sandbox/requests", timeout=10).json()["requests"]
    return sum(
        1 for c in calls if c["method"] == "GET" and c["path"].startswith("/api.xro/2.0/Invoices")
    )


def test_reexport_whose_answer_is_lost_is_looked_up_not_sent_twice(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1"))
    export_all(outlet, connection)
    change_in_xero(sandbox, "POSS1-A1", status="VOIDED")
    reconcile_outlet(outlet=outlet, start=yesterday_of(outlet), end=yesterday_of(outlet))
    reexport_document(document=ExportDocument.objects.get(number="POSS1-A1"))
    fault = {"kind": "drop_after_store", "count": 1, "path_contains": "Invoices", "method": "PUT"}
    requests.post(f"{sandbox}/_sandbox/faults", json=fault, timeout=10)

    export_connection(connection_id=connection.pk)  # Xero stores it; the answer is lost
    ExportDocument.objects.update(not_before=timezone.now())  # the wait is over
    export_connection(connection_id=connection.pk)

    invoices = sandbox_documents(sandbox, connection.tenant_id)["Invoices"]
    assert sorted(i["InvoiceNumber"] for i in invoices) == ["POSS1-A1", "POSS1-A1-R1"]
    assert ExportDocument.objects.get(number="POSS1-A1-R1").status == "sent"
