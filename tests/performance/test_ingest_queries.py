"""Ingest writes once per batch: the number of queries does not grow with the sales sent."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.xero_integration.sales.test_ingest import a_sale, post
from xero_integration.models import Sale


def queries_to_ingest(api, count: int, first: int = 0) -> int:
    sales = [a_sale(id=f"S1-{first + n:06d}") for n in range(count)]
    with CaptureQueriesContext(connection) as captured:
        response = post(api, *sales)
    assert response.json()["accepted"] == count
    return len(captured)


@pytest.mark.django_db
def test_ingest_uses_the_same_queries_for_5_or_40_sales(api, outlet):
    queries_to_ingest(api, 1, first=9000)  # the first request also reads the key's cache
    small = queries_to_ingest(api, 5)
    # 40: SQLite splits an INSERT past 999 parameters (40 sales hold 200 keys).
    large = queries_to_ingest(api, 40, first=1000)

    assert large == small
    assert Sale.objects.count() == 46


@pytest.mark.django_db
def test_refund_of_a_sale_in_the_same_request_points_at_it(api, outlet):
    sale = a_sale(id="S1-1")
    refund = a_sale(id="S1-1-R", type="refund", refund_of="S1-1")

    post(api, sale, refund)

    assert Sale.objects.get(sale_id="S1-1-R").refund_of == Sale.objects.get(sale_id="S1-1")
