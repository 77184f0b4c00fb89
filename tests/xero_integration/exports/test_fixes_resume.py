"""A fixed mistake resumes the work by itself: no replay, no stale body sent after the fix."""

import datetime

import pytest
import requests
from django.utils import timezone

from mappings.selectors import mappings_state
from outlets.services import update_export_settings
from tests.factories import ReferenceRecordFactory
from tests.sandbox_helpers import (
    map_merchant,
    ready_connection,
    sandbox_documents,
    sandbox_post,
)
from xero_integration.exports import delivery, documents
from xero_integration.exports.context import Contexts
from xero_integration.exports.delivery import release_fixed
from xero_integration.exports.engine import export_connection
from xero_integration.models import ExportDocument, ExportStatus, ReferenceSnapshot
from xero_integration.sales.services import ingest_sales

from .test_engine import a_sale

pytestmark = pytest.mark.usefixtures("quick_backoff")


@pytest.fixture
def connection(sandbox, client, outlet):
    update_export_settings(outlet=outlet, frequency="realtime", grouping="per_sale")
    return ready_connection(client, outlet.merchant)


def ingest(merchant, *sales):
    assert {r.status for r in ingest_sales(merchant=merchant, raw_sales=list(sales))} == {
        "accepted"
    }


def invoices(sandbox, connection) -> list[dict]:
    return sandbox_documents(sandbox, connection.tenant_id)["Invoices"]


def an_account_only_we_know(connection, code="299"):
    """An account our cache holds as usable but Xero does not have (deleted in Xero since)."""
    data = {"Code": code, "Name": "Retired Sales", "Type": "REVENUE", "Status": "ACTIVE"}
    ReferenceRecordFactory.create(
        connection=connection, kind="accounts", code=code, name=data["Name"], data=data
    )


def test_xero_refusing_an_account_holds_the_document_with_xeros_words(sandbox, connection, outlet):
    an_account_only_we_know(connection)
    map_merchant(outlet.merchant, {"revenue": [("*", "299")]})
    ingest(outlet.merchant, a_sale("A1"))

    export_connection(connection_id=connection.pk)

    document = ExportDocument.objects.get()
    assert document.status == ExportStatus.WAITING
    assert document.error_source == "xero"
    assert "299" in document.last_error
    assert invoices(sandbox, connection) == []


def test_a_document_xero_refused_goes_out_once_the_mapping_is_fixed(sandbox, connection, outlet):
    an_account_only_we_know(connection)
    map_merchant(outlet.merchant, {"revenue": [("*", "299")]})
    ingest(outlet.merchant, a_sale("A1"))
    export_connection(connection_id=connection.pk)

    map_merchant(outlet.merchant, {"revenue": [("*", "200")]})
    export_connection(connection_id=connection.pk)

    [invoice] = invoices(sandbox, connection)
    assert (invoice["InvoiceNumber"], invoice["Status"]) == ("POSS1-A1", "PAID")
    assert {line["AccountCode"] for line in invoice["LineItems"]} == {"200"}


def test_a_waiting_document_stays_put_until_something_changes(sandbox, connection, outlet):
    an_account_only_we_know(connection)
    map_merchant(outlet.merchant, {"revenue": [("*", "299")]})
    ingest(outlet.merchant, a_sale("A1"))
    export_connection(connection_id=connection.pk)
    calls = sandbox_requests(sandbox)

    export_connection(connection_id=connection.pk)

    assert ExportDocument.objects.get().status == ExportStatus.WAITING
    assert sandbox_requests(sandbox) == calls


def test_a_body_built_before_a_mapping_change_is_rebuilt_before_it_is_sent(
    sandbox, connection, outlet, settings
):
    settings.XERO_MAX_RETRIES = 0
    ingest(outlet.merchant, a_sale("A1"))
    sandbox_post(sandbox, "faults", {"kind": "rate_limit", "count": 1, "path_contains": "Invoices"})
    export_connection(connection_id=connection.pk)  # built with '*' → 200, then held back
    document = ExportDocument.objects.get()
    assert (document.status, bool(document.body)) == (ExportStatus.PENDING, True)

    map_merchant(outlet.merchant, {"revenue": [("*", "260")]})
    ExportDocument.objects.update(not_before=timezone.now())
    export_connection(connection_id=connection.pk)

    [invoice] = invoices(sandbox, connection)
    assert {line["AccountCode"] for line in invoice["LineItems"]} == {"260"}


def test_a_refresh_of_xeros_reference_data_releases_what_waited_on_xero(connection, outlet):
    an_account_only_we_know(connection)
    map_merchant(outlet.merchant, {"revenue": [("*", "299")]})
    ingest(outlet.merchant, a_sale("A1"))
    export_connection(connection_id=connection.pk)  # waits: Xero does not know 299

    later = timezone.now() + datetime.timedelta(seconds=1)
    ReferenceSnapshot.objects.filter(connection=connection).update(refreshed_at=later)

    assert release_fixed(connection) == 1
    assert ExportDocument.objects.get().status == ExportStatus.PENDING


def sandbox_requests(base: str) -> int:
    return len(requests.get(f"{base}/_sandbox/requests", timeout=10).json()["requests"])


def test_a_refusal_of_a_body_built_before_the_fix_is_rebuilt_not_held(
    sandbox, connection, outlet, settings
):
    settings.XERO_MAX_RETRIES = 0
    an_account_only_we_know(connection)
    map_merchant(outlet.merchant, {"revenue": [("*", "299")]})
    ingest(outlet.merchant, a_sale("A1"))
    sandbox_post(sandbox, "faults", {"kind": "rate_limit", "count": 1, "path_contains": "Invoices"})
    export_connection(connection_id=connection.pk)  # planned and built with 299, held back
    ExportDocument.objects.update(not_before=timezone.now())
    lane = documents.LANES[0]
    batch, claimed = delivery.claim(lane, connection, Contexts())
    assert batch is not None

    map_merchant(outlet.merchant, {"revenue": [("*", "200")]})  # the fix, while in flight
    delivery.deliver(lane, connection, batch, claimed)  # Xero refuses the old 299

    assert ExportDocument.objects.get().status == ExportStatus.PENDING
    export_connection(connection_id=connection.pk)
    [invoice] = invoices(sandbox, connection)
    assert {line["AccountCode"] for line in invoice["LineItems"]} == {"200"}


def test_a_held_body_built_with_replaced_mappings_is_released_whatever_it_waits_on(
    sandbox, connection, outlet
):
    an_account_only_we_know(connection)
    map_merchant(outlet.merchant, {"revenue": [("*", "299")]})
    ingest(outlet.merchant, a_sale("A1"))
    export_connection(connection_id=connection.pk)  # held: Xero refused 299
    map_merchant(outlet.merchant, {"revenue": [("*", "200")]})
    # The fix came, by some interleaving, before the hold noted the mappings' state.
    ExportDocument.objects.update(waiting_on=mappings_state(merchant_id=outlet.merchant_id))

    assert release_fixed(connection) == 1
    assert ExportDocument.objects.get().status == ExportStatus.PENDING
