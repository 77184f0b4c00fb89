"""Backfill against the sandbox Xero: a dry run lists exactly the days Xero is missing;
the real run sends each of them once and skips what Xero already holds."""

import datetime

import pytest

from outlets.services import update_export_settings
from tests.sandbox_helpers import map_merchant, sandbox_documents
from tests.xero_integration.exports.test_lock_dates import lock_books
from tests.xero_integration.exports.test_on_account import ON_ACCOUNT_MAPPINGS, on_account_sale
from xero_integration.exports.engine import export_connection
from xero_integration.models import ExportDocument, Sale
from xero_integration.reconciliation.backfill import BackfillRefused, backfill

from .conftest import a_sale, change_in_xero, export_all, ingest


@pytest.fixture
def summaries(connection, outlet):
    update_export_settings(outlet=outlet, grouping="daily_summary")
    return connection


@pytest.fixture
def gaps(sandbox, summaries, outlet):
    """Five days: 5, 4 and 2 days ago exported (2 then voided in Xero), 3 and 1 never."""
    ingest(outlet.merchant, *(a_sale(f"D{n}", days_ago=n) for n in (5, 4, 2)))
    export_all(outlet, summaries)
    voided = ExportDocument.objects.get(sales__sale_id="D2").number
    change_in_xero(sandbox, voided, status="VOIDED")
    ingest(outlet.merchant, *(a_sale(f"D{n}", days_ago=n) for n in (3, 1)))
    return {n: Sale.objects.get(sale_id=f"D{n}").business_date for n in (5, 4, 3, 2, 1)}


def test_dry_run_lists_exactly_the_days_missing_in_xero(gaps, outlet):
    result = backfill(outlet=outlet, start=gaps[5], end=gaps[1], dry_run=True)

    assert result.days == [gaps[3], gaps[2], gaps[1]]
    assert [(i.business_date, i.reason) for i in result.to_send] == [
        (gaps[3], "not_exported"),
        (gaps[2], "voided"),
        (gaps[1], "not_exported"),
    ]
    assert result.to_send[1].number == f"POSS1-{gaps[2]:%Y%m%d}-AUD-R1"


def test_dry_run_sends_and_plans_nothing(gaps, outlet, sandbox, summaries):
    before = sandbox_documents(sandbox, summaries.tenant_id)["Invoices"]

    backfill(outlet=outlet, start=gaps[5], end=gaps[1], dry_run=True)

    assert sandbox_documents(sandbox, summaries.tenant_id)["Invoices"] == before
    assert Sale.objects.filter(document__isnull=True).count() == 2


def test_backfill_sends_each_missing_day_once(gaps, outlet, sandbox, summaries):
    backfill(outlet=outlet, start=gaps[5], end=gaps[1], dry_run=False)
    export_connection(connection_id=summaries.pk)
    export_connection(connection_id=summaries.pk)

    invoices = sandbox_documents(sandbox, summaries.tenant_id)["Invoices"]
    numbers = sorted((i["InvoiceNumber"], i["Status"]) for i in invoices)
    assert numbers == sorted(
        [(f"POSS1-{gaps[n]:%Y%m%d}-AUD", "PAID") for n in (5, 4, 3, 1)]
        + [(f"POSS1-{gaps[2]:%Y%m%d}-AUD", "VOIDED"), (f"POSS1-{gaps[2]:%Y%m%d}-AUD-R1", "PAID")]
    )
    assert backfill(outlet=outlet, start=gaps[5], end=gaps[1], dry_run=True).to_send == []


def test_a_day_xero_already_holds_by_number_and_total_is_skipped_not_sent_again(
    sandbox, summaries, outlet
):
    ingest(outlet.merchant, a_sale("D1", days_ago=1))
    export_all(outlet, summaries)
    # Our record of the export is lost (a restore from an old backup), Xero's copy is not.
    Sale.objects.update(document=None)
    ExportDocument.objects.all().delete()
    day = Sale.objects.get().business_date

    dry = backfill(outlet=outlet, start=day, end=day, dry_run=True)
    backfill(outlet=outlet, start=day, end=day, dry_run=False)
    export_connection(connection_id=summaries.pk)

    assert (dry.to_send, [i.number for i in dry.skipped]) == ([], [f"POSS1-{day:%Y%m%d}-AUD"])
    assert len(sandbox_documents(sandbox, summaries.tenant_id)["Invoices"]) == 1
    assert ExportDocument.objects.get().status == "sent"


def test_backfill_of_an_outlet_without_xero_is_refused_with_the_reason(outlet, db):
    day = outlet.created_at.date()
    with pytest.raises(BackfillRefused) as refused:
        backfill(outlet=outlet, start=day, end=day, dry_run=True)

    assert refused.value.detail == "Outlet 'S1' has no active Xero connection: connect Xero first."


def test_backfill_when_xero_cannot_be_read_sends_nothing_and_says_why(
    sandbox, summaries, outlet, settings
):
    ingest(outlet.merchant, a_sale("D1", days_ago=1))
    day = Sale.objects.get().business_date
    settings.XERO_API_URL = "http://127.0.0.1:9/api.xro/2.0"  # nothing listens there

    with pytest.raises(BackfillRefused) as refused:
        backfill(outlet=outlet, start=day, end=day, dry_run=False)

    assert refused.value.detail.startswith("Xero could not be asked which of these documents")
    assert not ExportDocument.objects.exists()


def test_a_journal_day_xero_already_holds_by_narration_is_skipped_not_sent_again(
    sandbox, connection, outlet
):
    update_export_settings(outlet=outlet, grouping="daily_journal")
    ingest(outlet.merchant, a_sale("J1", days_ago=1))
    export_all(outlet, connection)
    # Our record of the export is lost (a restore from an old backup), Xero's copy is not.
    Sale.objects.update(document=None)
    ExportDocument.objects.all().delete()
    day = Sale.objects.get().business_date

    dry = backfill(outlet=outlet, start=day, end=day, dry_run=True)
    backfill(outlet=outlet, start=day, end=day, dry_run=False)
    export_connection(connection_id=connection.pk)

    assert dry.to_send == []
    assert [i.number for i in dry.skipped] == [f"POSS1 POS takings {day:%Y-%m-%d} AUD"]
    assert len(sandbox_documents(sandbox, connection.tenant_id)["ManualJournals"]) == 1
    # A journal has no payments to miss: its takings are its lines.
    adopted = ExportDocument.objects.get()
    assert (adopted.status, adopted.payments_status, adopted.last_error) == ("sent", "sent", "")


def test_an_open_on_account_invoice_xero_already_holds_is_taken_as_sent_without_an_error(
    sandbox, connection, outlet
):
    map_merchant(outlet.merchant, ON_ACCOUNT_MAPPINGS)
    ingest(outlet.merchant, on_account_sale("A2", deposit="2.00", hours_ago=24))
    export_all(outlet, connection)
    Sale.objects.update(document=None)  # our record is lost, Xero's open invoice is not
    ExportDocument.objects.all().delete()
    day = Sale.objects.get().business_date

    backfill(outlet=outlet, start=day, end=day, dry_run=False)
    export_connection(connection_id=connection.pk)

    adopted = ExportDocument.objects.get()
    assert (adopted.status, adopted.payments_status, adopted.last_error) == ("sent", "sent", "")
    assert len(sandbox_documents(sandbox, connection.tenant_id)["Invoices"]) == 1


def test_a_journal_day_missing_in_xero_is_listed_under_its_narration(sandbox, connection, outlet):
    update_export_settings(outlet=outlet, grouping="daily_journal")
    ingest(outlet.merchant, a_sale("J1", days_ago=1))
    day = Sale.objects.get().business_date

    dry = backfill(outlet=outlet, start=day, end=day, dry_run=True)

    assert [(i.number, i.reason) for i in dry.to_send] == [
        (f"POSS1 POS takings {day:%Y-%m-%d} AUD", "not_exported")
    ]


def test_a_dry_run_says_which_days_xero_s_lock_date_holds_or_posts_later(
    sandbox, summaries, outlet
):
    ingest(outlet.merchant, a_sale("D3", days_ago=3), a_sale("D1", days_ago=1))
    locked, open_day = (Sale.objects.get(sale_id=s).business_date for s in ("D3", "D1"))
    lock_books(sandbox, summaries, locked)

    held = backfill(outlet=outlet, start=locked, end=open_day, dry_run=True).to_send
    update_export_settings(outlet=outlet, lock_date_policy="post_on_first_open_date")
    posted = backfill(outlet=outlet, start=locked, end=open_day, dry_run=True).to_send

    assert held[0].lock_date.startswith(f"Dated {locked}, inside the period Xero has locked")
    assert posted[0].lock_date == (
        f"dated {locked}; posted on {locked + datetime.timedelta(days=1)}, "
        "the first date Xero's lock leaves open"
    )
    assert held[1].lock_date == posted[1].lock_date == ""
