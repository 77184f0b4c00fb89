"""Early warnings on the status endpoint: a connection about to expire, a mapping Xero
archived, an outlet with nothing exported for longer than its frequency allows."""

import datetime

from django.utils import timezone

from outlets.services import update_export_settings
from tests.factories import MappingFactory, ReconciliationDayFactory
from xero_integration.models import ReferenceRecord, Sale
from xero_integration.sales.services import ingest_sales

from ..api.test_status import map_everything, status
from .test_engine import a_sale


def warnings_of(api, kind=None) -> list[dict]:
    found = status(api)["warnings"]
    return [w for w in found if kind is None or w["kind"] == kind]


def test_a_connection_that_could_not_be_kept_alive_warns_15_days_ahead(api, connection, outlet):
    connection.refresh_token_expires_at = timezone.now() + datetime.timedelta(days=10, hours=1)
    connection.save()

    [warning] = warnings_of(api, "refresh_token_expiring")

    assert "could not be kept alive" in warning["detail"]
    assert "(in 10 day(s))" in warning["detail"]


def test_a_connection_kept_alive_does_not_warn(api, connection, outlet):
    connection.refresh_token_expires_at = timezone.now() + datetime.timedelta(days=40)
    connection.save()

    assert warnings_of(api, "refresh_token_expiring") == []


def test_a_mapping_to_an_account_archived_in_xero_warns(api, connection, outlet):
    map_everything(outlet.merchant)
    ReferenceRecord.objects.filter(connection=connection, kind="accounts", code="200").update(
        status="ARCHIVED"
    )

    [warning] = warnings_of(api, "archived_mapping")

    assert warning["detail"] == (
        "The revenue mapping of '*' points at account '200', which is archived in Xero: "
        "map it to an active one."
    )


def test_a_mapping_to_a_deleted_tax_rate_warns(api, connection, outlet):
    MappingFactory.create(
        merchant=outlet.merchant, type="tax", pos_value="OLD", xero_value="OUTPUT2"
    )

    [warning] = warnings_of(api, "archived_mapping")

    assert "tax rate 'OUTPUT2', which is deleted" in warning["detail"]


def test_an_outlet_with_nothing_exported_for_longer_than_its_frequency_warns(
    api, connection, outlet
):
    update_export_settings(outlet=outlet, frequency="realtime")
    ingest_sales(merchant=outlet.merchant, raw_sales=[a_sale("A1")])
    Sale.objects.update(received_at=timezone.now() - datetime.timedelta(minutes=20))

    [warning] = warnings_of(api, "overdue")

    assert "longer than its realtime exports allow" in warning["detail"]


def test_a_fresh_sale_is_not_overdue(api, connection, outlet):
    update_export_settings(outlet=outlet, frequency="realtime")
    ingest_sales(merchant=outlet.merchant, raw_sales=[a_sale("A1")])

    assert warnings_of(api, "overdue") == []


def test_a_red_reconciliation_day_of_the_last_week_warns_with_why(api, connection, outlet):
    day = ReconciliationDayFactory.create(outlet=outlet)

    [warning] = warnings_of(api, "reconciliation_difference")

    assert warning["detail"].startswith("Xero differs from the POS on 1 day(s) since ")
    assert f"Latest, {day.business_date}: POSS1-A1: Voided in Xero." in warning["detail"]


def test_red_days_older_than_a_week_or_decided_do_not_warn(api, connection, outlet):
    ReconciliationDayFactory.create(
        outlet=outlet, business_date=timezone.now().date() - datetime.timedelta(days=8)
    )
    ReconciliationDayFactory.create(outlet=outlet, status="amber")  # accepted, or on its way

    assert warnings_of(api, "reconciliation_difference") == []
