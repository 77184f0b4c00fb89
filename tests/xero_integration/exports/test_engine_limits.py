"""A day whose summary cannot be stored fails alone; the connection's other exports go on."""

import datetime

import pytest

from outlets.services import update_export_settings
from tests.sandbox_helpers import ready_connection
from xero_integration.exports.builders import DOCUMENT_TOO_LARGE
from xero_integration.exports.documents import NOT_BUILT
from xero_integration.exports.engine import export_connection
from xero_integration.models import ExportDocument
from xero_integration.sales.limits import MAX_AMOUNT

from .test_engine import a_sale, ingest, invoice_numbers, xero

pytestmark = pytest.mark.usefixtures("quick_backoff")  # sandbox and it: conftest.py

BIG = "499999999999.50"  # two lines of it: 999,999,999,999.00 a sale, the most a sale may be


def big_sale(sale_id, hours_ago):
    sale = a_sale(sale_id, hours_ago=hours_ago, price=BIG)
    sale["lines"][0]["tax_amount"] = "0.00"
    return sale


def test_day_too_large_to_store_fails_alone_and_the_others_are_exported(sandbox, client, outlet):
    update_export_settings(outlet=outlet, frequency="realtime", grouping="daily_summary")
    connection = ready_connection(client, outlet.merchant)
    ingest(outlet.merchant, big_sale("B1", 50), big_sale("B2", 50), a_sale("A1", hours_ago=98))

    export_connection(connection_id=connection.pk)
    export_connection(connection_id=connection.pk)  # a second run is not wedged either

    failed = ExportDocument.objects.get(status="failed")
    detail = DOCUMENT_TOO_LARGE.format(
        number=failed.number, total="1999999999998.00", limit=MAX_AMOUNT
    )
    assert failed.last_error == NOT_BUILT.format(error=detail)
    assert failed.total is None
    sent = ExportDocument.objects.get(status="sent")
    assert invoice_numbers(xero(sandbox, connection)) == [sent.number]
    assert sent.business_date < failed.business_date < datetime.date.today()
