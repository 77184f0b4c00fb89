"""The daily read-back: each outlet that sent something, its last seven closed days."""

import datetime

from django.utils import timezone
from django_q.models import OrmQ

from tests.factories import OutletFactory, XeroConnectionFactory
from xero_integration import tasks
from xero_integration.exports.planning import open_business_date
from xero_integration.models import ExportDocument
from xero_integration.reconciliation.services import recent_days


def sent(outlet, connection, status="sent"):
    return ExportDocument.objects.create(
        outlet=outlet,
        connection=connection,
        kind="invoice",
        grouping="per_sale",
        number=f"N-{outlet.pk}-{status}",
        business_date="2026-11-20",
        currency="AUD",
        status=status,
    )


def test_outlets_that_sent_something_are_read_back_for_their_last_week(outlet, db):
    connection = XeroConnectionFactory.create(merchant=outlet.merchant)
    sent(outlet, connection)
    quiet = OutletFactory.create(merchant=outlet.merchant, pos_station_id="QUIET")
    sent(quiet, connection, status="pending")
    now = timezone.now()
    yesterday = open_business_date(outlet, now) - datetime.timedelta(days=1)

    assert recent_days(now=now) == [(outlet.pk, yesterday - datetime.timedelta(days=6), yesterday)]


def test_daily_task_queues_one_read_back_per_outlet(outlet, db, django_capture_on_commit_callbacks):
    sent(outlet, XeroConnectionFactory.create(merchant=outlet.merchant))

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.reconcile_recent_days_task() == 1

    assert OrmQ.objects.get().task["func"] == "xero_integration.tasks.reconcile_outlet_task"
