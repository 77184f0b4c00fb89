"""The dashboard and the health check read in a constant number of queries, whatever the
number of merchants, outlets, sales, export documents, sync logs and call slots."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mappings.services import replace_mappings
from operations import heartbeat
from tests.factories import MerchantFactory, OutletFactory, XeroConnectionFactory
from xero_integration.models import ExportStatus, SyncLog, XeroCallSlot

from .conftest import a_document, a_failed_document, a_sale


def add_merchant(n: int, *, outlets: int, sales: int, logs: int) -> None:
    merchant = MerchantFactory.create(merchant_id=f"QC{n}", name=f"Cafe {n}")
    connection_row = XeroConnectionFactory.create(merchant=merchant)
    replace_mappings(merchant=merchant, outlet=None, mapping_type="revenue", pairs=[("*", "200")])
    for o in range(outlets):
        outlet = OutletFactory.create(merchant=merchant, pos_station_id=f"S{o}")
        for s in range(sales):
            document = a_document(outlet, f"QC{n}-{o}-{s}") if s % 2 else None
            a_sale(outlet, f"{n}-{o}-{s}", document=document)
        a_failed_document(outlet, f"QC{n}-{o}-F")
        a_document(outlet, f"QC{n}-{o}-P", status=ExportStatus.PENDING, last_error="HTTP 503")
    now = timezone.now()
    for i in range(logs):
        SyncLog.objects.create(
            operation="create_invoices",
            merchant=merchant,
            method="PUT",
            url="https://x/Invoices",
            outcome=SyncLog.Outcome.SUCCESS if i % 3 else SyncLog.Outcome.FAILED,
            correlation_id=f"c{i}",
            created_at=now - datetime.timedelta(hours=i),
        )
        XeroCallSlot.objects.create(tenant_id=connection_row.tenant_id, started_at=now)
    heartbeat.beat(name=f"host-{n}:1")


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("url", ["/admin/dashboard/", "/api/health"])
def test_query_count_does_not_grow_with_the_data(staff_client, settings, url):
    settings.HEALTH_CACHE_SECONDS = 0
    add_merchant(1, outlets=1, sales=2, logs=2)
    small = queries(staff_client, url)

    for n in range(2, 5):
        add_merchant(n, outlets=3, sales=12, logs=30)
    large = queries(staff_client, url)

    assert large == small, f"{url}: {small} queries with little data, {large} with more"
    print(f"{url}: {large} queries")  # noqa: T201  (shown with -s: the figure for the README)


def test_the_dashboard_reads_in_sixteen_queries(staff_client):
    add_merchant(1, outlets=2, sales=4, logs=4)

    # The session and the user (every admin page), then outlets with their counts, their
    # connections, reference data, mappings, oldest waiting sales, POS and Xero day totals,
    # two charts, organisations, their call slots and blocks, and the latest failures.
    assert queries(staff_client, "/admin/dashboard/") == 16


def test_the_health_check_reads_in_four_queries(client, settings, db):
    settings.HEALTH_CACHE_SECONDS = 0
    add_merchant(1, outlets=2, sales=4, logs=4)

    assert queries(client, "/api/health") == 4
