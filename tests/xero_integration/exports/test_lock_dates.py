"""Xero's lock dates: a document dated in a locked period is held before any call, or posted
on the first open date, by the outlet's policy; a new lock date releases what was held."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import requests
from django.utils import timezone

from outlets.services import update_export_settings
from tests.sandbox_helpers import ready_connection, sandbox_documents, sandbox_post
from xero_integration.connection.reference_data import refresh_reference_data, xero_date
from xero_integration.exports.engine import export_connection
from xero_integration.exports.lock_dates import LOCKED_HOLD
from xero_integration.models import ExportDocument, ExportStatus, ReferenceSnapshot

from .test_engine import NOW, a_sale, ingest

pytestmark = pytest.mark.usefixtures("quick_backoff")

OLD_SALE_DAYS_AGO = 20
LOCK = (NOW - datetime.timedelta(days=10)).date()


@pytest.fixture
def connection(sandbox, client, outlet):
    update_export_settings(outlet=outlet, frequency="realtime", grouping="per_sale")
    connection = ready_connection(client, outlet.merchant)
    lock_books(sandbox, connection, LOCK)
    return connection


def lock_books(sandbox, connection, day: datetime.date) -> None:
    """Lock the period in 'Xero' and read it back as the reference refresh does."""
    sandbox_post(sandbox, "config", {"period_lock_date": day.isoformat()})
    refresh_reference_data(connection=connection)


def document_calls(sandbox) -> list[dict]:
    calls = requests.get(f"{sandbox}/_sandbox/requests", timeout=10).json()["requests"]
    return [c for c in calls if "Invoices" in c["path"] or "Payments" in c["path"]]


def invoices(sandbox, connection) -> list[dict]:
    return sandbox_documents(sandbox, connection.tenant_id)["Invoices"]


def old_sale(sale_id="OLD"):
    return a_sale(sale_id, hours_ago=24 * OLD_SALE_DAYS_AGO)


def sale_day(sale, outlet) -> str:
    """The sale's date where the outlet is: the date Xero is sent."""
    moment = datetime.datetime.fromisoformat(sale["occurred_at"])
    return moment.astimezone(ZoneInfo(outlet.timezone)).date().isoformat()


def test_a_sale_in_a_locked_period_is_held_before_any_call(sandbox, connection, outlet):
    sale = old_sale()
    ingest(outlet.merchant, sale)

    export_connection(connection_id=connection.pk)

    document = ExportDocument.objects.get()
    assert document.status == ExportStatus.WAITING
    assert document.last_error == LOCKED_HOLD.format(
        day=sale_day(sale, outlet), lock_date=LOCK.isoformat()
    )
    assert document_calls(sandbox) == []


def test_a_held_sale_stays_held_while_the_lock_date_is_unchanged(sandbox, connection, outlet):
    ingest(outlet.merchant, old_sale())
    export_connection(connection_id=connection.pk)

    refresh_reference_data(connection=connection)
    export_connection(connection_id=connection.pk)

    assert ExportDocument.objects.get().status == ExportStatus.WAITING
    assert document_calls(sandbox) == []


def test_a_held_sale_goes_out_by_itself_once_the_period_is_unlocked(sandbox, connection, outlet):
    sale = old_sale()
    ingest(outlet.merchant, sale)
    export_connection(connection_id=connection.pk)

    lock_books(sandbox, connection, LOCK - datetime.timedelta(days=30))
    export_connection(connection_id=connection.pk)

    [invoice] = invoices(sandbox, connection)
    assert (invoice["Status"], xero_date(invoice["Date"])) == ("PAID", sale_day(sale, outlet))


def test_post_on_first_open_date_posts_the_day_after_the_lock_with_its_date_in_the_reference(
    sandbox, connection, outlet
):
    update_export_settings(outlet=outlet, lock_date_policy="post_on_first_open_date")
    sale = old_sale()
    ingest(outlet.merchant, sale)

    export_connection(connection_id=connection.pk)

    [invoice] = invoices(sandbox, connection)
    first_open = (LOCK + datetime.timedelta(days=1)).isoformat()
    assert (invoice["Status"], xero_date(invoice["Date"])) == ("PAID", first_open)
    assert f"dated {sale_day(sale, outlet)}" in invoice["Reference"]
    assert ExportDocument.objects.get().status == ExportStatus.SENT


def test_changing_the_policy_releases_a_held_sale(sandbox, connection, outlet):
    ingest(outlet.merchant, old_sale())
    export_connection(connection_id=connection.pk)

    update_export_settings(outlet=outlet, lock_date_policy="post_on_first_open_date")
    export_connection(connection_id=connection.pk)

    [invoice] = invoices(sandbox, connection)
    assert xero_date(invoice["Date"]) == (LOCK + datetime.timedelta(days=1)).isoformat()


def test_a_sale_after_the_lock_date_goes_as_usual(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("NEW"))

    export_connection(connection_id=connection.pk)

    [invoice] = invoices(sandbox, connection)
    assert invoice["Status"] == "PAID"
    assert "dated" not in invoice["Reference"]


def test_status_warns_when_the_lock_date_nears_unexported_days(api, sandbox, connection, outlet):
    update_export_settings(outlet=outlet, frequency="manual")
    ingest(outlet.merchant, a_sale("SOON", hours_ago=24 * 8))

    body = api.get("/api/xero/status", {"merchant_id": "M-ALLOWED", "pos_station_id": "S1"}).json()

    [warning] = body["warnings"]
    assert warning["kind"] == "lock_date"
    assert f"locked up to {LOCK.isoformat()}" in warning["detail"]
    assert "held for a person" in warning["detail"]


def test_status_has_no_lock_warning_when_unexported_days_are_far_from_the_lock(
    api, sandbox, connection, outlet
):
    update_export_settings(outlet=outlet, frequency="manual")
    ingest(outlet.merchant, a_sale("TODAY"))

    body = api.get("/api/xero/status", {"merchant_id": "M-ALLOWED", "pos_station_id": "S1"}).json()

    assert body["warnings"] == []


def test_outlet_admin_page_shows_the_lock_date_warning(admin_client, sandbox, connection, outlet):
    update_export_settings(outlet=outlet, frequency="manual")
    ingest(outlet.merchant, a_sale("SOON", hours_ago=24 * 8))

    page = admin_client.get(f"/admin/outlets/outlet/{outlet.pk}/change/").content.decode()

    assert f"locked up to {LOCK.isoformat()}" in page


def organisation_read_minutes_ago(connection, minutes: int) -> None:
    ReferenceSnapshot.objects.filter(connection=connection, kind="organisation").update(
        refreshed_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def organisation_reads(sandbox) -> int:
    calls = requests.get(f"{sandbox}/_sandbox/requests", timeout=10).json()["requests"]
    return sum(1 for c in calls if c["path"].endswith("/Organisation"))


def test_held_work_goes_out_once_xero_unlocks_without_anyone_refreshing(
    sandbox, connection, outlet
):
    ingest(outlet.merchant, old_sale())
    export_connection(connection_id=connection.pk)
    sandbox_post(sandbox, "config", {"period_lock_date": "2000-12-31"})  # unlocked in Xero

    organisation_read_minutes_ago(connection, 16)
    export_connection(connection_id=connection.pk)

    [invoice] = invoices(sandbox, connection)
    assert invoice["Status"] == "PAID"


def test_the_organisation_is_read_again_at_most_every_15_minutes(sandbox, connection, outlet):
    ingest(outlet.merchant, old_sale())
    export_connection(connection_id=connection.pk)
    reads = organisation_reads(sandbox)

    organisation_read_minutes_ago(connection, 14)
    export_connection(connection_id=connection.pk)

    assert organisation_reads(sandbox) == reads
    assert ExportDocument.objects.get().status == ExportStatus.WAITING
