"""Early warnings reach the merchant through the alerts, once each, in the status's words."""

import datetime

import pytest
from django.core import mail
from django.db import connection as connection_of_db
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from operations.early_warnings import early_warnings
from operations.models import Problem
from operations.services import evaluate_alerts, update_alert_settings
from outlets.services import update_export_settings
from tests.factories import (
    MappingFactory,
    MerchantFactory,
    OutletFactory,
    ReconciliationDayFactory,
    XeroConnectionFactory,
    seed_reference_data,
)
from xero_integration.models import ReferenceRecord, ReferenceSnapshot

from .conftest import a_sale

FINANCE = ["accounts@harbourcafe.example"]


@pytest.fixture
def contacts(merchant):
    return update_alert_settings(merchant=merchant, finance_emails=FINANCE, webhook_url="")


@pytest.fixture
def connection(export_outlet):
    connection = export_outlet.merchant.xero_connections.get(is_merchant_default=True)
    seed_reference_data(connection)
    return connection


def kinds() -> list[str]:
    return sorted(Problem.objects.filter(cleared_at=None).values_list("kind", flat=True))


def test_a_connection_about_to_expire_is_alerted_once(connection, contacts):
    connection.refresh_token_expires_at = timezone.now() + datetime.timedelta(days=5)
    connection.save()

    evaluate_alerts()
    evaluate_alerts()

    assert kinds() == ["refresh_token_expiring"]
    (email,) = mail.outbox
    assert "could not be kept alive" in email.body


def test_a_mapping_to_an_archived_account_is_alerted(connection, contacts, export_outlet):
    MappingFactory.create(
        merchant=export_outlet.merchant, type="revenue", pos_value="*", xero_value="200"
    )
    ReferenceRecord.objects.filter(connection=connection, kind="accounts", code="200").update(
        status="ARCHIVED"
    )

    evaluate_alerts()

    (problem,) = Problem.objects.all()
    assert problem.kind == "archived_mapping"
    assert "account '200', which is archived in Xero" in problem.detail


def test_the_alert_clears_once_the_mapping_points_elsewhere(connection, contacts, export_outlet):
    mapping = MappingFactory.create(
        merchant=export_outlet.merchant, type="revenue", pos_value="*", xero_value="200"
    )
    ReferenceRecord.objects.filter(connection=connection, kind="accounts", code="200").update(
        status="ARCHIVED"
    )
    evaluate_alerts()

    mapping.xero_value = "260"
    mapping.save()
    evaluate_alerts()

    assert kinds() == []


def test_a_lock_date_nearing_unexported_days_is_alerted(connection, contacts, export_outlet):
    update_export_settings(outlet=export_outlet, frequency="manual")
    today = timezone.now().date()
    ReferenceSnapshot.objects.update_or_create(
        connection=connection,
        kind="organisation",
        defaults={
            "refreshed_at": timezone.now(),
            "data": {"period_lock_date": (today - datetime.timedelta(days=3)).isoformat()},
        },
    )
    a_sale(export_outlet, "A1", business_date=today - datetime.timedelta(days=2))

    evaluate_alerts()

    (problem,) = Problem.objects.all()
    assert (problem.kind, problem.outlet_id) == ("lock_date", export_outlet.pk)
    assert "held for a person" in problem.detail


def test_a_red_reconciliation_day_is_alerted_once_and_clears_when_decided(
    connection, contacts, export_outlet
):
    day = ReconciliationDayFactory.create(outlet=export_outlet)

    evaluate_alerts()
    evaluate_alerts()
    day.status = "amber"  # a person accepted it, or its re-export is on its way
    day.save()
    evaluate_alerts()

    (problem,) = Problem.objects.all()
    assert (problem.kind, problem.outlet_id) == ("reconciliation_difference", export_outlet.pk)
    assert "POSS1-A1: Voided in Xero." in problem.detail
    assert problem.cleared_at is not None
    assert "Xero differs from the POS on 1 day(s)" in mail.outbox[0].body


def merchant_with_every_warning(n: int) -> None:
    merchant = MerchantFactory.create(merchant_id=f"M{n}", name=f"Merchant {n}")
    outlet = OutletFactory.create(merchant=merchant, pos_station_id="S1")
    connection = XeroConnectionFactory.create(
        merchant=merchant, refresh_token_expires_at=timezone.now() + datetime.timedelta(days=3)
    )
    seed_reference_data(connection)
    MappingFactory.create(merchant=merchant, type="revenue", pos_value="*", xero_value="250")
    today = timezone.now().date()
    ReferenceSnapshot.objects.update_or_create(
        connection=connection,
        kind="organisation",
        defaults={"refreshed_at": timezone.now(), "data": {"period_lock_date": today.isoformat()}},
    )
    a_sale(outlet, f"A{n}", business_date=today)
    ReconciliationDayFactory.create(outlet=outlet)


def queries_of_early_warnings() -> tuple[int, int]:
    with CaptureQueriesContext(connection_of_db) as queries:
        found = early_warnings(timezone.now())
    return len(queries), len(found)


def test_early_warnings_are_read_in_queries_that_do_not_grow_with_merchants(db):
    merchant_with_every_warning(1)
    one, found_one = queries_of_early_warnings()
    for n in range(2, 6):
        merchant_with_every_warning(n)

    five, found_five = queries_of_early_warnings()

    assert (found_one, found_five) == (4, 20)
    assert five == one
