import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_q.models import OrmQ

from outlets.services import update_export_settings
from tests.factories import XeroConnectionFactory
from xero_integration.exports.claims import claim_connection, release_connection
from xero_integration.exports.due import is_due, next_daily_run, schedule_next
from xero_integration.models import Sale, SyncLog
from xero_integration.synclogs import purge_old_sync_logs
from xero_integration.tasks import queue_due_exports_task

SYDNEY = ZoneInfo("Australia/Sydney")


def a_stored_sale(outlet, sale_id="A1"):
    return Sale.objects.create(
        merchant=outlet.merchant,
        outlet=outlet,
        sale_id=sale_id,
        type="sale",
        occurred_at=timezone.now(),
        business_date=timezone.now().date(),
        currency="AUD",
        total="9.00",
        payload={},
        content_hash="x",
    )


@pytest.mark.parametrize(
    "frequency, due", [("realtime", True), ("manual", False), ("hourly", True), ("daily", True)]
)
def test_new_outlets_are_due_by_frequency(outlet, frequency, due):
    update_export_settings(outlet=outlet, frequency=frequency)

    assert is_due(outlet, timezone.now()) is due


def test_disabled_outlet_is_never_due(outlet):
    update_export_settings(outlet=outlet, frequency="realtime", enabled=False)

    assert is_due(outlet, timezone.now()) is False


def test_hourly_outlet_is_due_again_at_the_next_hour(outlet):
    update_export_settings(outlet=outlet, frequency="hourly")
    now = datetime.datetime(2026, 11, 24, 10, 20, tzinfo=datetime.UTC)

    schedule_next(outlet, now)

    assert outlet.export_settings.next_export_at == datetime.datetime(
        2026, 11, 24, 11, 0, tzinfo=datetime.UTC
    )
    assert not is_due(outlet, now)


def test_daily_run_is_at_the_outlets_local_time(outlet):
    update_export_settings(outlet=outlet, frequency="daily", daily_at=datetime.time(2, 0))
    evening = datetime.datetime(2026, 11, 24, 21, 0, tzinfo=SYDNEY)

    assert next_daily_run(outlet, evening) == datetime.datetime(2026, 11, 25, 2, 0, tzinfo=SYDNEY)


def test_daily_run_later_today_when_the_time_has_not_come(outlet):
    update_export_settings(outlet=outlet, frequency="daily", daily_at=datetime.time(2, 0))
    night = datetime.datetime(2026, 11, 24, 1, 0, tzinfo=SYDNEY)

    assert next_daily_run(outlet, night) == datetime.datetime(2026, 11, 24, 2, 0, tzinfo=SYDNEY)


def test_realtime_outlet_with_a_new_sale_gets_an_export_queued(
    outlet, django_capture_on_commit_callbacks
):
    XeroConnectionFactory.create(merchant=outlet.merchant)
    update_export_settings(outlet=outlet, frequency="realtime")
    a_stored_sale(outlet)

    with django_capture_on_commit_callbacks(execute=True):
        assert queue_due_exports_task() == 1
    assert OrmQ.objects.count() == 1


def test_manual_outlet_gets_nothing_queued(outlet):
    XeroConnectionFactory.create(merchant=outlet.merchant)
    update_export_settings(outlet=outlet, frequency="manual")
    a_stored_sale(outlet)

    assert queue_due_exports_task() == 0


def test_connection_needing_reconnect_gets_nothing_queued(outlet):
    XeroConnectionFactory.create(merchant=outlet.merchant, status="needs_reconnect")
    update_export_settings(outlet=outlet, frequency="realtime")
    a_stored_sale(outlet)

    assert queue_due_exports_task() == 0


def test_claimed_connection_is_not_queued_twice(outlet):
    connection = XeroConnectionFactory.create(merchant=outlet.merchant)
    update_export_settings(outlet=outlet, frequency="realtime")
    a_stored_sale(outlet)
    claim_connection(connection.pk)

    assert queue_due_exports_task() == 0


def test_only_one_run_holds_an_organisation_at_a_time(outlet):
    connection = XeroConnectionFactory.create(merchant=outlet.merchant)

    token = claim_connection(connection.pk)

    assert token is not None
    assert claim_connection(connection.pk) is None
    release_connection(connection.pk, token)
    assert claim_connection(connection.pk) is not None


def test_a_run_cannot_release_another_runs_claim(outlet):
    connection = XeroConnectionFactory.create(merchant=outlet.merchant)
    claim_connection(connection.pk)

    release_connection(connection.pk, "someone-elses-token")

    assert claim_connection(connection.pk) is None


def test_old_sync_logs_are_purged_and_recent_ones_kept(outlet, settings):
    settings.SYNC_LOG_RETENTION_DAYS = 90
    old = SyncLog.objects.create(operation="x", method="GET", url="/", correlation_id="old")
    SyncLog.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=91)
    )
    SyncLog.objects.create(operation="x", method="GET", url="/", correlation_id="new")

    assert purge_old_sync_logs() == 1
    assert list(SyncLog.objects.values_list("correlation_id", flat=True)) == ["new"]
