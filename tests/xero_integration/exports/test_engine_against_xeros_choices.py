"""The export engine against the sandbox's switches for choices Xero may make either way.

Exactly once must hold whichever way Xero chooses: when it caches a 5xx under the request's
Idempotency-Key (notes §3), when it keeps keys for no time at all, and when it does not
enforce unique invoice numbers, so the proof never leans on "Invoice # must be unique." or
on how long Xero keeps a key.
"""

import pytest

from tests.sandbox_helpers import sandbox_post
from xero_integration.exports.engine import export_connection
from xero_integration.models import ExportBatch, ExportDocument

from . import test_engine
from .test_engine import a_minute_later, a_sale, ingest, invoice_numbers, lose_answers, xero

# test_engine.py's connection (found by name in this module), so these tests run the same
# way; sandbox and quick_backoff come from conftest.py.
connection = test_engine.connection
pytestmark = pytest.mark.usefixtures("quick_backoff")


@pytest.fixture
def without_unique_numbers(sandbox):
    sandbox_post(sandbox, "config", {"unique_numbers": False})


def test_a_cached_5xx_ends_in_one_invoice_sent_under_a_new_key(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1"))
    sandbox_post(sandbox, "faults", {"kind": "server_error", "status": 503, "method": "PUT"})
    export_connection(connection_id=connection.pk)
    assert invoice_numbers(xero(sandbox, connection)) == []  # the 503 was never resent

    a_minute_later()
    export_connection(connection_id=connection.pk)  # looks it up: not there, so pending again
    a_minute_later()
    export_connection(connection_id=connection.pk)

    assert invoice_numbers(xero(sandbox, connection)) == ["POSS1-A1"]
    assert ExportBatch.objects.filter(operation="invoice").count() == 2  # a new key


def test_lost_answers_send_each_sale_once_without_unique_numbers(
    sandbox, connection, outlet, without_unique_numbers
):
    ingest(outlet.merchant, a_sale("A1"), a_sale("A2"))
    lose_answers(sandbox, 6)
    export_connection(connection_id=connection.pk)

    a_minute_later()  # looked up, not resent
    export_connection(connection_id=connection.pk)

    assert invoice_numbers(xero(sandbox, connection)) == ["POSS1-A1", "POSS1-A2"]
    assert set(ExportDocument.objects.values_list("status", flat=True)) == {"sent"}


def test_lost_answers_send_each_sale_once_when_xero_keeps_no_keys(
    sandbox, connection, outlet, without_unique_numbers
):
    sandbox_post(sandbox, "config", {"idempotency_seconds": 0})
    ingest(outlet.merchant, a_sale("A1"), a_sale("A2"))
    lose_answers(sandbox, 6)
    export_connection(connection_id=connection.pk)

    a_minute_later()
    export_connection(connection_id=connection.pk)

    assert invoice_numbers(xero(sandbox, connection)) == ["POSS1-A1", "POSS1-A2"]
    assert set(ExportDocument.objects.values_list("status", flat=True)) == {"sent"}
