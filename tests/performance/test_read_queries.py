"""Status and logs read a fixed number of queries however many sales, documents and logs
an outlet has."""

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext

from tests.factories import MappingFactory
from tests.xero_integration.api.test_exports import failed_document, log
from tests.xero_integration.api.test_status import map_everything
from tests.xero_integration.exports.test_due import a_stored_sale

QUERY = {"merchant_id": "M-ALLOWED", "pos_station_id": "S1"}


def more_history(outlet, connection, start: int, count: int) -> None:
    for n in range(start, start + count):
        a_stored_sale(outlet, sale_id=f"H{n}")
        failed_document(outlet, connection, number=f"POSS1-{n}")
        log(outlet.merchant, outlet, outcome="failed" if n % 2 else "success")


def queries_of(api, url: str) -> int:
    api.get(url, QUERY)  # a first call may fill per-process caches
    with CaptureQueriesContext(db) as captured:
        assert api.get(url, QUERY).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/api/xero/status", "/api/xero/logs"])
def test_read_endpoint_queries_do_not_grow_with_history(api, connection, outlet, url):
    map_everything(connection.merchant)
    more_history(outlet, connection, 0, 2)
    small = queries_of(api, url)

    more_history(outlet, connection, 2, 30)

    assert queries_of(api, url) == small


def test_status_checks_the_mappings_again_once_one_changes(api, connection, outlet):
    map_everything(connection.merchant)
    warm = queries_of(api, "/api/xero/status")

    MappingFactory.create(merchant=connection.merchant, pos_value="tea", xero_value="200")

    with CaptureQueriesContext(db) as captured:
        api.get("/api/xero/status", QUERY)
    assert len(captured) > warm  # the cached check was not used
    assert queries_of(api, "/api/xero/status") == warm


def test_status_never_joins_all_the_outlets_sales_to_their_documents(api, connection, outlet):
    """Sales are found by outlet only where they have no document (an index range); those
    in unsent documents are found from the documents (by their own index)."""
    map_everything(connection.merchant)
    more_history(outlet, connection, 0, 3)

    with CaptureQueriesContext(db) as captured:
        api.get("/api/xero/status", QUERY)

    by_outlet_with_documents = [
        q["sql"]
        for q in captured.captured_queries
        if '"xero_integration_sale"."outlet_id"' in q["sql"]
        and '"xero_integration_sale"."document_id" IS NULL' not in q["sql"]
    ]
    assert by_outlet_with_documents == []
