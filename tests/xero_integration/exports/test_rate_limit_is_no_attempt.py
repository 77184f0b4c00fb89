"""Xero's rate limit is Xero's state, not a fault of the work: a 429 is no try of a
document (a storm never makes it give up), and the next try waits Retry-After."""

import datetime

import pytest
from django.utils import timezone

from outlets.services import update_export_settings
from tests.sandbox_helpers import ready_connection, sandbox_for, sandbox_post
from xero_integration.exports import delivery
from xero_integration.exports.engine import export_connection
from xero_integration.models import ExportDocument, ExportStatus
from xero_integration.sales.services import ingest_sales
from xero_integration.xero import transport

from .test_engine import a_sale

RETRY_AFTER = 7


@pytest.fixture(autouse=True)
def one_try_per_call(monkeypatch, settings):
    monkeypatch.setattr(transport, "sleep", lambda seconds: None)
    settings.XERO_MAX_RETRIES = 0  # each 429 reaches the engine


@pytest.fixture
def sandbox(settings):
    with sandbox_for(settings) as base:
        yield base


@pytest.fixture
def connection(sandbox, client, outlet):
    update_export_settings(outlet=outlet, frequency="realtime", grouping="per_sale")
    connection = ready_connection(client, outlet.merchant)
    ingest_sales(merchant=outlet.merchant, raw_sales=[a_sale("A1")])
    return connection


def rate_limit(sandbox, method: str) -> None:
    fault = {"kind": "rate_limit", "count": 1, "retry_after": RETRY_AFTER}
    sandbox_post(sandbox, "faults", {**fault, "path_contains": "Invoices", "method": method})


def seconds_until_next_try(document: ExportDocument) -> float:
    return (document.not_before - timezone.now()).total_seconds()


def test_a_rate_limited_batch_waits_retry_after_and_is_no_attempt(sandbox, connection):
    rate_limit(sandbox, "PUT")

    export_connection(connection_id=connection.pk)

    document = ExportDocument.objects.get()
    assert (document.status, document.attempts) == (ExportStatus.PENDING, 0)
    assert RETRY_AFTER - 2 < seconds_until_next_try(document) <= RETRY_AFTER


def test_a_storm_of_429s_never_makes_a_document_give_up(sandbox, connection):
    for _ in range(delivery.MAX_ATTEMPTS + 1):
        rate_limit(sandbox, "PUT")
        export_connection(connection_id=connection.pk)
        ExportDocument.objects.update(not_before=timezone.now())

    document = ExportDocument.objects.get()
    assert (document.status, document.attempts) == (ExportStatus.PENDING, 0)
    export_connection(connection_id=connection.pk)  # the storm is over
    assert ExportDocument.objects.get().status == ExportStatus.SENT


def test_a_look_up_refused_by_the_rate_limit_waits_retry_after_and_is_no_attempt(
    sandbox, connection
):
    lost = {"kind": "drop_after_store", "count": 1, "path_contains": "Invoices", "method": "PUT"}
    sandbox_post(sandbox, "faults", lost)
    export_connection(connection_id=connection.pk)  # stored, answer lost: outcome unknown
    ExportDocument.objects.update(not_before=timezone.now() - datetime.timedelta(seconds=1))
    tries = ExportDocument.objects.get().attempts
    rate_limit(sandbox, "GET")

    export_connection(connection_id=connection.pk)  # the look-up is refused by the limit

    document = ExportDocument.objects.get()
    assert (document.status, document.attempts) == (ExportStatus.SENDING, tries)
    assert RETRY_AFTER - 2 < seconds_until_next_try(document) <= RETRY_AFTER
