"""Sales exported to the sandbox Xero, then changed there as a person would."""

import pytest
import requests
from django_q.models import OrmQ

from outlets.services import update_export_settings
from tests.sandbox_helpers import ready_connection, sandbox_for
from tests.xero_integration.exports.test_engine import a_sale as engine_sale
from xero_integration import tasks
from xero_integration.exports.engine import export_connection
from xero_integration.sales.services import ingest_sales
from xero_integration.xero import transport

WEBHOOK_KEY = "sandbox-webhook-key-for-tests"


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch):
    monkeypatch.setattr(transport, "sleep", lambda seconds: None)


@pytest.fixture
def sandbox(settings):
    settings.XERO_WEBHOOK_KEY = WEBHOOK_KEY
    with sandbox_for(settings) as base:
        requests.post(f"{base}/_sandbox/config", json={"webhook_key": WEBHOOK_KEY}, timeout=10)
        yield base


@pytest.fixture
def connection(sandbox, client, outlet):
    update_export_settings(outlet=outlet, frequency="manual", grouping="per_sale")
    return ready_connection(client, outlet.merchant)


def a_sale(sale_id, *, days_ago=1, price="4.50", sale_type="sale"):
    """The export tests' sale, `days_ago` whole days back: a closed business day."""
    return engine_sale(sale_id, hours_ago=24 * days_ago, price=price, sale_type=sale_type)


def ingest(merchant, *sales):
    results = ingest_sales(merchant=merchant, raw_sales=list(sales))
    assert all(r.status == "accepted" for r in results), results


def export_all(outlet, connection):
    """What POST /api/xero/sync then the worker do for a manual outlet."""
    update_export_settings(outlet=outlet, frequency="realtime")
    export_connection(connection_id=connection.pk)
    update_export_settings(outlet=outlet, frequency="manual")


def change_in_xero(base, number, **change) -> dict:
    reply = requests.post(
        f"{base}/_sandbox/change-document", json={"number": number, **change}, timeout=10
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


def run_queued(func_name: str) -> list:
    """Run the queued tasks named so, as the worker would; returns their results."""
    results = []
    for queued in OrmQ.objects.all():
        task = queued.task
        if task["func"] == tasks.TASKS + func_name:
            results.append(getattr(tasks, func_name)(*task["args"]))
            queued.delete()
    return results
