"""The daily_journal grouping against the sandbox Xero: one balanced journal per outlet-day,
sent exactly once (looked up by its narration before anything is sent again)."""

from decimal import Decimal

import pytest

from outlets.services import update_export_settings
from tests.sandbox_helpers import ready_connection, sandbox_post
from xero_integration.exports.engine import export_connection
from xero_integration.models import ExportDocument, ExportStatus, Sale

from .test_engine import a_minute_later, a_sale, ingest, puts_to, xero

pytestmark = pytest.mark.usefixtures("quick_backoff")
YESTERDAY = 30  # hours ago: a business day that is over


@pytest.fixture
def connection(sandbox, client, outlet):
    update_export_settings(outlet=outlet, frequency="realtime", grouping="daily_journal")
    return ready_connection(client, outlet.merchant)


def journals(sandbox, connection) -> list[dict]:
    return xero(sandbox, connection)["ManualJournals"]


def a_day_of_sales():
    return [
        a_sale("A1", hours_ago=YESTERDAY),
        a_sale("A2", hours_ago=YESTERDAY + 1, price="3.85", method="cash", tips="1.00"),
        a_sale("A3", hours_ago=YESTERDAY + 2, price="12.10", surcharge="0.30"),
        a_sale(
            "R1",
            hours_ago=YESTERDAY,
            price="3.85",
            method="cash",
            sale_type="refund",
            refund_of="A2",
        ),
    ]


def balanced_day(sales: list[dict]) -> list[dict]:
    """Sales whose payments include their tips and surcharges (as a POS sends them)."""
    for sale in sales:
        extra = Decimal(sale.get("tips", "0")) + Decimal(sale.get("surcharge", "0"))
        sale["payments"][0]["amount"] = str(Decimal(sale["payments"][0]["amount"]) + extra)
    return sales


def test_a_day_becomes_one_posted_journal_that_balances_to_the_cent(sandbox, connection, outlet):
    ingest(outlet.merchant, *balanced_day(a_day_of_sales()))

    export_connection(connection_id=connection.pk)

    [journal] = journals(sandbox, connection)
    amounts = [Decimal(str(line["LineAmount"])) for line in journal["JournalLines"]]
    assert journal["Status"] == "POSTED"
    assert sum(amounts) == 0
    sales = Sale.objects.filter(merchant=outlet.merchant)
    takings = sum(s.total for s in sales if s.type == "sale") - sum(
        s.total for s in sales if s.type == "refund"
    )
    paid = [
        a
        for line, a in zip(journal["JournalLines"], amounts)
        if line["Description"].startswith("Takings")
    ]
    assert sum(paid) == takings
    document = ExportDocument.objects.get()
    assert (document.status, document.payments_status) == (ExportStatus.SENT, ExportStatus.SENT)


def test_a_lost_answer_is_looked_up_by_narration_not_sent_twice(sandbox, connection, outlet):
    ingest(outlet.merchant, *balanced_day(a_day_of_sales()))
    fault = {
        "kind": "drop_after_store",
        "count": 1,
        "path_contains": "ManualJournals",
        "method": "PUT",
    }
    sandbox_post(sandbox, "faults", fault)
    export_connection(connection_id=connection.pk)

    a_minute_later()
    export_connection(connection_id=connection.pk)

    assert len(journals(sandbox, connection)) == 1
    assert puts_to(sandbox, "ManualJournals") == 1
    assert ExportDocument.objects.get().status == ExportStatus.SENT


def test_a_second_run_sends_nothing_again(sandbox, connection, outlet):
    ingest(outlet.merchant, *balanced_day(a_day_of_sales()))
    export_connection(connection_id=connection.pk)

    export_connection(connection_id=connection.pk)

    assert len(journals(sandbox, connection)) == 1


def test_a_sale_arriving_after_its_day_was_posted_goes_in_a_second_journal(
    sandbox, connection, outlet
):
    ingest(outlet.merchant, a_sale("A1", hours_ago=YESTERDAY))
    export_connection(connection_id=connection.pk)

    ingest(outlet.merchant, a_sale("LATE", hours_ago=YESTERDAY))
    export_connection(connection_id=connection.pk)

    narrations = sorted(j["Narration"] for j in journals(sandbox, connection))
    assert len(narrations) == 2 and narrations[1].endswith("part 2")
