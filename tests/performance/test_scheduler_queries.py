"""The minute tick finds and queues due organisations in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_q.models import OrmQ

from outlets.services import update_export_settings
from tests.factories import OutletFactory, XeroConnectionFactory
from tests.xero_integration.exports.test_due import a_stored_sale
from xero_integration.tasks import queue_due_exports_task


def merchants_with_due_sales(count: int, *, outlets_each: int = 2) -> None:
    for m in range(count):
        first = OutletFactory.create(pos_station_id=f"S{m}-0")
        XeroConnectionFactory.create(merchant=first.merchant, tenant_id=f"tenant-{m}-{count}")
        outlets = [first] + [
            OutletFactory.create(merchant=first.merchant, pos_station_id=f"S{m}-{n}")
            for n in range(1, outlets_each)
        ]
        for outlet in outlets:
            update_export_settings(outlet=outlet, frequency="realtime")
            a_stored_sale(outlet, sale_id=f"{outlet.pos_station_id}-{count}")


def queries_of_a_tick() -> tuple[int, int]:
    OrmQ.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        queued = queue_due_exports_task()
    return queued, len(captured)


@pytest.mark.django_db
def test_tick_queries_grow_only_by_one_insert_per_organisation_queued():
    merchants_with_due_sales(2)
    small_queued, small = queries_of_a_tick()
    merchants_with_due_sales(6)
    large_queued, large = queries_of_a_tick()

    assert (small_queued, large_queued) == (2, 8)
    assert OrmQ.objects.count() == 8
    # Finding the due work is a fixed number of queries; queueing is one INSERT a run.
    assert large - large_queued == small - small_queued
