"""/metrics: Prometheus' format, off until a token is set, read from the database."""

import datetime

from django.utils import timezone
from django_q.models import OrmQ

from operations import heartbeat
from xero_integration.models import SyncLog

from .conftest import a_failed_document, a_sale


def test_metrics_are_off_until_a_token_is_set(client, db, settings):
    settings.METRICS_TOKEN = ""

    assert client.get("/metrics").status_code == 404


def test_metrics_need_the_token(client, db, settings):
    settings.METRICS_TOKEN = "scrape-me"

    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def test_metrics_count_exports_failures_calls_queue_and_waiting_sales(
    client, export_outlet, settings
):
    settings.METRICS_TOKEN = "scrape-me"
    a_failed_document(export_outlet)
    a_sale(export_outlet, "WAITING", received_at=timezone.now() - datetime.timedelta(minutes=10))
    for operation, outcome, status in [
        ("create_invoices", "success", 200),
        ("create_invoices", "failed", 400),
        ("oauth.refresh", "success", 200),
    ]:
        SyncLog.objects.create(
            operation=operation,
            method="POST",
            url="x",
            outcome=outcome,
            http_status=status,
            correlation_id="c",
        )
    OrmQ.objects.create(key="xero-bridge", payload="x", lock=timezone.now())
    heartbeat.beat(name="host:1")

    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-me")

    lines = response.content.decode().splitlines()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert 'xero_bridge_export_documents{lane="document",status="failed"} 1.0' in lines
    assert (
        'xero_bridge_xero_calls_last_hour{http_status="400",operation="create_invoices",'
        'outcome="failed"} 1.0'
    ) in lines
    assert 'xero_bridge_token_refreshes_last_hour{outcome="success"} 1.0' in lines
    assert "xero_bridge_queue_depth 1.0" in lines
    assert "xero_bridge_workers_alive 1.0" in lines
    (oldest,) = [l for l in lines if l.startswith("xero_bridge_oldest_pending_sale_age_seconds ")]
    assert 590 < float(oldest.split()[1]) < 700
