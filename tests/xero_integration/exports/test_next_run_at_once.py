"""A run that leaves work it could send now queues the next run at once, not at the
minute tick; one that got nothing done queues nothing (it would only spin)."""

import pytest
from django_q.models import OrmQ

from outlets.services import update_export_settings
from tests.sandbox_helpers import ready_connection, sandbox_for, sandbox_post
from xero_integration import tasks
from xero_integration.exports import delivery, engine
from xero_integration.models import ExportDocument, ExportStatus
from xero_integration.sales.services import ingest_sales
from xero_integration.xero import transport

from .test_engine import a_sale


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch):
    monkeypatch.setattr(transport, "sleep", lambda seconds: None)


@pytest.fixture
def sandbox(settings):
    with sandbox_for(settings) as base:
        yield base


@pytest.fixture
def connection(sandbox, client, outlet):
    update_export_settings(outlet=outlet, frequency="realtime", grouping="per_sale")
    connection = ready_connection(client, outlet.merchant)
    ingest_sales(merchant=outlet.merchant, raw_sales=[a_sale("A1"), a_sale("A2")])
    return connection


def queued_exports() -> list[tuple]:
    return [OrmQ.objects.get(pk=q.pk).task["args"] for q in OrmQ.objects.all()]


def test_a_run_stopped_by_its_batch_limit_queues_the_next_at_once(
    connection, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(delivery, "BATCH_SIZE", 1)
    monkeypatch.setattr(engine, "MAX_BATCHES_PER_RUN", 1)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.export_connection_task(connection.pk)

    assert ExportDocument.objects.filter(status=ExportStatus.PENDING).count() == 1
    assert queued_exports() == [(connection.pk,)]


def test_a_run_that_sent_everything_queues_nothing(connection, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tasks.export_connection_task(connection.pk)

    assert set(ExportDocument.objects.values_list("payments_status", flat=True)) == {"sent"}
    assert queued_exports() == []


def test_a_run_held_back_by_xero_queues_nothing(
    sandbox, connection, settings, django_capture_on_commit_callbacks
):
    settings.XERO_MAX_RETRIES = 0
    sandbox_post(sandbox, "faults", {"kind": "server_error", "count": 5})

    with django_capture_on_commit_callbacks(execute=True):
        tasks.export_connection_task(connection.pk)

    assert ExportDocument.objects.filter(status=ExportStatus.SENT).count() == 0
    assert queued_exports() == []
