"""The export engine against the sandbox Xero over real HTTP: exactly once, to the cent."""

import datetime
from decimal import Decimal

import pytest
import requests
from django.utils import timezone

from outlets.services import update_export_settings
from tests.sandbox_helpers import (
    connect,
    map_merchant,
    ready_connection,
    sandbox_documents,
    sandbox_post,
)
from xero_integration.exports import delivery
from xero_integration.exports.control import replay_documents
from xero_integration.exports.engine import export_connection
from xero_integration.models import ExportBatch, ExportDocument, ExportStatus, Sale
from xero_integration.sales.services import ingest_sales
from xero_integration.xero import transport

NOW = timezone.now()


pytestmark = pytest.mark.usefixtures("quick_backoff")


@pytest.fixture
def connection(sandbox, client, outlet):
    update_export_settings(outlet=outlet, frequency="realtime", grouping="per_sale")
    return ready_connection(client, outlet.merchant)


def a_sale(
    sale_id, *, hours_ago=2, price="4.50", method="card", sale_type="sale", refund_of=None, **extra
):
    price = Decimal(price)
    return {
        "id": sale_id,
        "pos_station_id": "S1",
        "type": sale_type,
        "occurred_at": (NOW - datetime.timedelta(hours=hours_ago)).isoformat(),
        "currency": "AUD",
        "amounts_include_tax": True,
        "lines": [
            {
                "category": "coffee",
                "description": "Flat white",
                "quantity": "2",
                "unit_price": str(price),
                "discount": "0.00",
                "tax_code": "GST10",
                "tax_amount": str((price * 2 / 11).quantize(Decimal("0.01"))),
            }
        ],
        "payments": [{"method": method, "amount": str(price * 2)}],
        "refund_of": refund_of,
        **extra,
    }


def ingest(merchant, *sales):
    results = ingest_sales(merchant=merchant, raw_sales=list(sales))
    assert all(r.status == "accepted" for r in results), results


def xero(sandbox, connection):
    return sandbox_documents(sandbox, connection.tenant_id)


def invoice_numbers(documents) -> list[str]:
    return sorted(i["InvoiceNumber"] for i in documents["Invoices"])


def pos_total(merchant) -> Decimal:
    sales = Sale.objects.filter(merchant=merchant, type="sale")
    return sum((s.total for s in sales), Decimal("0"))


def xero_total(documents) -> Decimal:
    return sum((Decimal(str(i["Total"])) for i in documents["Invoices"]), Decimal("0"))


def test_each_sale_becomes_one_paid_invoice(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1"), a_sale("A2", price="3.80", method="cash"))

    export_connection(connection_id=connection.pk)

    documents = xero(sandbox, connection)
    assert invoice_numbers(documents) == ["POSS1-A1", "POSS1-A2"]
    assert {i["Status"] for i in documents["Invoices"]} == {"PAID"}
    assert xero_total(documents) == pos_total(outlet.merchant) == Decimal("16.60")
    assert set(ExportDocument.objects.values_list("status", "payments_status")) == {
        ("sent", "sent")
    }


def test_refund_becomes_a_paid_credit_note(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1"), a_sale("R1", sale_type="refund", refund_of="A1"))

    export_connection(connection_id=connection.pk)

    documents = xero(sandbox, connection)
    assert [c["CreditNoteNumber"] for c in documents["CreditNotes"]] == ["POSS1-R1"]
    assert Decimal(str(documents["CreditNotes"][0]["RemainingCredit"])) == 0


def test_daily_summary_exports_a_closed_day_as_one_invoice(sandbox, connection, outlet):
    update_export_settings(outlet=outlet, grouping="daily_summary")
    ingest(outlet.merchant, *[a_sale(f"A{n}", hours_ago=30 + n) for n in range(5)])

    export_connection(connection_id=connection.pk)

    documents = xero(sandbox, connection)
    assert xero_total(documents) == pos_total(outlet.merchant)
    assert len(documents["Invoices"]) == ExportDocument.objects.count()
    assert {i["Status"] for i in documents["Invoices"]} == {"PAID"}


def test_second_run_sends_nothing_again(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1"))
    export_connection(connection_id=connection.pk)

    export_connection(connection_id=connection.pk)

    assert invoice_numbers(xero(sandbox, connection)) == ["POSS1-A1"]


def a_minute_later():
    """What the next run sees once the wait after an unknown outcome is over."""
    ExportDocument.objects.update(not_before=timezone.now())


def puts_to(sandbox, path: str) -> int:
    calls = requests.get(f"{sandbox}/_sandbox/requests", timeout=10).json()["requests"]
    return sum(1 for c in calls if c["method"] == "PUT" and path in c["path"])


def lose_answers(sandbox, count):
    fault = {
        "kind": "drop_after_store",
        "count": count,
        "path_contains": "Invoices",
        "method": "PUT",
    }
    sandbox_post(sandbox, "faults", fault)


def test_unknown_outcome_waits_before_anything_is_resent(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1"))
    lose_answers(sandbox, 10)

    export_connection(connection_id=connection.pk)
    export_connection(connection_id=connection.pk)

    document = ExportDocument.objects.get()
    assert document.status == ExportStatus.SENDING
    assert document.not_before > timezone.now()
    assert invoice_numbers(xero(sandbox, connection)) == ["POSS1-A1"]


def test_a_lost_answer_is_looked_up_not_resent(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1"), a_sale("A2"))
    lose_answers(sandbox, 1)
    export_connection(connection_id=connection.pk)

    a_minute_later()
    export_connection(connection_id=connection.pk)

    assert puts_to(sandbox, "Invoices") == 1
    assert ExportBatch.objects.filter(operation="invoice").count() == 1
    assert invoice_numbers(xero(sandbox, connection)) == ["POSS1-A1", "POSS1-A2"]
    assert set(ExportDocument.objects.values_list("status", flat=True)) == {"sent"}


def test_lost_response_after_xero_stored_the_batch_sends_each_sale_once(
    sandbox, connection, outlet
):
    ingest(outlet.merchant, a_sale("A1"), a_sale("A2"))
    lose_answers(sandbox, 10)
    export_connection(connection_id=connection.pk)

    a_minute_later()
    export_connection(connection_id=connection.pk)

    documents = xero(sandbox, connection)
    assert invoice_numbers(documents) == ["POSS1-A1", "POSS1-A2"]
    assert xero_total(documents) == pos_total(outlet.merchant)
    assert set(ExportDocument.objects.values_list("status", flat=True)) == {"sent"}


def test_worker_killed_after_sending_recovers_without_duplicates(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1"), a_sale("A2"))
    export_connection(connection_id=connection.pk)  # plans and sends
    ExportDocument.objects.update(
        status=ExportStatus.SENDING
    )  # as if the worker died after Xero stored them

    export_connection(connection_id=connection.pk)

    assert invoice_numbers(xero(sandbox, connection)) == ["POSS1-A1", "POSS1-A2"]
    assert set(ExportDocument.objects.values_list("status", flat=True)) == {"sent"}


def test_worker_killed_before_sending_sends_later(sandbox, connection, outlet, monkeypatch):
    ingest(outlet.merchant, a_sale("A1"))
    monkeypatch.setattr(delivery, "deliver", lambda *args: None)  # dies with the batch claimed
    export_connection(connection_id=connection.pk)
    assert ExportDocument.objects.get().status == ExportStatus.SENDING
    monkeypatch.undo()
    monkeypatch.setattr(transport, "sleep", lambda seconds: None)

    a_minute_later()
    export_connection(connection_id=connection.pk)  # finds nothing in Xero: back to pending
    ExportDocument.objects.update(not_before=timezone.now())
    export_connection(connection_id=connection.pk)

    assert invoice_numbers(xero(sandbox, connection)) == ["POSS1-A1"]


def test_replay_of_a_sent_export_changes_nothing(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1"))
    export_connection(connection_id=connection.pk)

    assert replay_documents(ExportDocument.objects.all()) == 0
    export_connection(connection_id=connection.pk)

    assert invoice_numbers(xero(sandbox, connection)) == ["POSS1-A1"]


def test_xero_validation_error_fails_one_document_with_xeros_message(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("OLD", hours_ago=24 * 20), a_sale("NEW"))
    lock = (NOW - datetime.timedelta(days=10)).date().isoformat()
    sandbox_post(sandbox, "config", {"period_lock_date": lock})

    export_connection(connection_id=connection.pk)

    old, new = (
        ExportDocument.objects.get(number="POSS1-OLD"),
        ExportDocument.objects.get(number="POSS1-NEW"),
    )
    assert new.status == ExportStatus.SENT
    assert old.status == ExportStatus.FAILED
    assert "lock" in old.last_error.lower()


def test_failed_export_replayed_after_the_fix_is_sent_once(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("OLD", hours_ago=24 * 20))
    sandbox_post(
        sandbox,
        "config",
        {"period_lock_date": (NOW - datetime.timedelta(days=10)).date().isoformat()},
    )
    export_connection(connection_id=connection.pk)
    sandbox_post(sandbox, "config", {"period_lock_date": "2000-12-31"})

    assert replay_documents(ExportDocument.objects.all()) == 1
    export_connection(connection_id=connection.pk)

    assert invoice_numbers(xero(sandbox, connection)) == ["POSS1-OLD"]
    assert ExportDocument.objects.get().status == ExportStatus.SENT


def test_rate_limit_storm_is_waited_out(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1"))
    sandbox_post(sandbox, "faults", {"kind": "rate_limit", "count": 3, "path_contains": "Invoices"})

    export_connection(connection_id=connection.pk)

    assert invoice_numbers(xero(sandbox, connection)) == ["POSS1-A1"]


def test_server_errors_are_looked_up_then_sent_once(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1"))
    sandbox_post(
        sandbox,
        "faults",
        {"kind": "server_error", "count": 1, "status": 503, "path_contains": "Invoices"},
    )
    export_connection(connection_id=connection.pk)  # 503: Xero may have it; nothing resent
    assert ExportDocument.objects.get().status == ExportStatus.SENDING

    a_minute_later()
    export_connection(connection_id=connection.pk)  # looked up: not there, back to pending
    a_minute_later()
    export_connection(connection_id=connection.pk)  # sent in a new batch, under a new key

    assert invoice_numbers(xero(sandbox, connection)) == ["POSS1-A1"]
    assert puts_to(sandbox, "Invoices") == 2


def test_revoked_connection_makes_exports_wait_not_fail(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1"))
    sandbox_post(sandbox, "revoke", {})
    connection.access_token_expires_at = timezone.now()
    connection.save()

    export_connection(connection_id=connection.pk)

    connection.refresh_from_db()
    assert connection.status == "needs_reconnect"
    assert ExportDocument.objects.get().status == ExportStatus.PENDING


def test_exports_go_out_by_themselves_after_reconnecting(sandbox, connection, outlet, client):
    ingest(outlet.merchant, a_sale("A1"))
    sandbox_post(sandbox, "revoke", {})
    connection.access_token_expires_at = timezone.now()
    connection.save()
    export_connection(connection_id=connection.pk)

    connect(client, outlet.merchant)
    ExportDocument.objects.update(not_before=timezone.now())
    export_connection(connection_id=connection.pk)

    assert invoice_numbers(xero(sandbox, connection)) == ["POSS1-A1"]


def test_sales_wait_while_mappings_are_missing(sandbox, connection, outlet):
    outlet.merchant.mappings.filter(type="payments").delete()
    ingest(outlet.merchant, a_sale("A1"))

    run = export_connection(connection_id=connection.pk)

    assert run.waiting == {"S1": ["Some mappings are missing."]}
    assert Sale.objects.get().document is None


def test_a_sale_with_an_unmapped_payment_method_waits_and_the_others_go(
    sandbox, connection, outlet
):
    ingest(outlet.merchant, a_sale("A1", method="voucher"), a_sale("A2"))

    export_connection(connection_id=connection.pk)

    assert invoice_numbers(xero(sandbox, connection)) == ["POSS1-A2"]
    assert Sale.objects.get(sale_id="A1").document is None


def test_a_mapping_removed_after_planning_holds_the_document_with_our_reason(
    sandbox, connection, outlet
):
    from xero_integration.exports.planning import plan_outlet

    ingest(outlet.merchant, a_sale("A1", method="cash"))
    plan_outlet(outlet=outlet, connection=connection, now=timezone.now())
    map_merchant(outlet.merchant, {"payments": [("card", "090")]})  # cash no longer mapped

    export_connection(connection_id=connection.pk)

    document = ExportDocument.objects.get()
    assert document.status == ExportStatus.WAITING
    assert document.last_error == "No Xero account is mapped for payment method 'cash'."
    assert document.error_source == "ours"
    assert invoice_numbers(xero(sandbox, connection)) == []


def test_document_waiting_on_a_mapping_goes_out_once_it_is_set(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1", method="voucher"))
    export_connection(connection_id=connection.pk)

    map_merchant(outlet.merchant, {"payments": [("card", "090"), ("voucher", "090")]})
    export_connection(connection_id=connection.pk)

    assert [(i["InvoiceNumber"], i["Status"]) for i in xero(sandbox, connection)["Invoices"]] == [
        ("POSS1-A1", "PAID")
    ]
    assert ExportDocument.objects.get().status == ExportStatus.SENT


def test_late_sale_goes_into_a_supplementary_summary(sandbox, connection, outlet):
    update_export_settings(outlet=outlet, grouping="daily_summary")
    ingest(outlet.merchant, a_sale("A1", hours_ago=30))
    export_connection(connection_id=connection.pk)

    ingest(outlet.merchant, a_sale("A2", hours_ago=30))
    export_connection(connection_id=connection.pk)

    numbers = invoice_numbers(xero(sandbox, connection))
    assert len(numbers) == 2 and numbers[1] == numbers[0] + "-2"
    assert xero_total(xero(sandbox, connection)) == pos_total(outlet.merchant)


def test_exports_left_by_a_disconnected_connection_go_out_after_reconnecting(
    sandbox, connection, outlet, client
):
    from xero_integration.connection import oauth
    from xero_integration.connection.reference_data import refresh_reference_data
    from xero_integration.exports.planning import plan_outlet

    ingest(outlet.merchant, a_sale("A1"))
    plan_outlet(outlet=outlet, connection=connection, now=timezone.now())  # planned, not yet sent
    oauth.disconnect(connection=connection)

    reconnected = connect(client, outlet.merchant)
    refresh_reference_data(connection=reconnected)  # the worker does this after a connect
    ExportDocument.objects.update(not_before=timezone.now())
    export_connection(connection_id=reconnected.pk)

    assert reconnected.pk != connection.pk
    assert ExportDocument.objects.get().connection_id == reconnected.pk
    assert invoice_numbers(xero(sandbox, reconnected)) == ["POSS1-A1"]


def test_prefix_changed_after_planning_keeps_the_planned_number(sandbox, connection, outlet):
    from xero_integration.exports.planning import plan_outlet

    ingest(outlet.merchant, a_sale("A1"))
    plan_outlet(outlet=outlet, connection=connection, now=timezone.now())
    update_export_settings(outlet=outlet, number_prefix="SYD")

    export_connection(connection_id=connection.pk)

    assert ExportDocument.objects.get().status == ExportStatus.SENT
    assert [(i["InvoiceNumber"], i["Status"]) for i in xero(sandbox, connection)["Invoices"]] == [
        ("POSS1-A1", "PAID")
    ]


def test_a_retry_that_cannot_start_still_remembers_the_outcome_is_unknown(
    sandbox, connection, outlet, monkeypatch
):
    from xero_integration.xero.errors import TRANSIENT, XeroError

    ingest(outlet.merchant, a_sale("A1"))
    sandbox_post(
        sandbox,
        "faults",
        {"kind": "drop_after_store", "count": 1, "path_contains": "Payments", "method": "PUT"},
    )
    real_acquire, payment_attempts = transport._acquire_slot, []

    def acquire(call):
        if call.operation == "create_payments":
            payment_attempts.append(call)
            if len(payment_attempts) == 2:  # the retry finds no free rate-limit slot
                raise XeroError("Rate limit wait exceeded", kind=TRANSIENT, retry_after=90)
        return real_acquire(call)

    monkeypatch.setattr(transport, "_acquire_slot", acquire)
    export_connection(connection_id=connection.pk)
    a_minute_later()
    export_connection(connection_id=connection.pk)

    document = ExportDocument.objects.get()
    assert document.payments_status == ExportStatus.SENT, document.last_error
    assert [i["Status"] for i in xero(sandbox, connection)["Invoices"]] == ["PAID"]
    assert len(xero(sandbox, connection)["Payments"]) == 1


def test_outlets_of_two_merchants_in_one_organisation_need_their_own_prefixes(
    sandbox, connection, outlet, other_outlet, client
):
    update_export_settings(outlet=other_outlet, frequency="realtime", grouping="per_sale")
    other = ready_connection(client, other_outlet.merchant)
    assert other.tenant_id == connection.tenant_id
    ingest(outlet.merchant, a_sale("1001"))
    ingest(other_outlet.merchant, a_sale("1001"))

    first = export_connection(connection_id=connection.pk)
    second = export_connection(connection_id=other.pk)

    assert "same document number prefix 'POSS1'" in first.waiting["S1"][0]
    assert "same document number prefix 'POSS1'" in second.waiting["S1"][0]
    assert invoice_numbers(xero(sandbox, connection)) == []

    update_export_settings(outlet=other_outlet, number_prefix="BAKERY")
    export_connection(connection_id=connection.pk)
    export_connection(connection_id=other.pk)
    assert invoice_numbers(xero(sandbox, connection)) == ["BAKERY-1001", "POSS1-1001"]
