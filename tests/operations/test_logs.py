"""LOG_FORMAT=json: one JSON object per line, with the ids of what the event is about."""

import json
import logging
import subprocess
import sys

import responses
from django.conf import settings

from operations.logs import JsonFormatter
from xero_integration.models import SyncLog
from xero_integration.xero import transport


def record(**extra) -> logging.LogRecord:
    made = logging.makeLogRecord({"name": "xero_integration.xero.transport", "levelname": "INFO"})
    made.msg, made.args = "xero %s: HTTP %s", ("create_invoices", 200)
    made.__dict__.update(extra)
    return made


def test_a_line_is_one_json_object_with_the_events_ids():
    line = JsonFormatter().format(
        record(merchant_id=3, outlet_id=7, correlation_id="c0ffee", batch="xb-1", documents=["A"])
    )

    parsed = json.loads(line)
    assert "\n" not in line
    assert parsed["message"] == "xero create_invoices: HTTP 200"
    assert parsed["level"] == "INFO" and parsed["logger"] == "xero_integration.xero.transport"
    assert {k: parsed[k] for k in ("merchant_id", "outlet_id", "correlation_id", "batch")} == {
        "merchant_id": 3,
        "outlet_id": 7,
        "correlation_id": "c0ffee",
        "batch": "xb-1",
    }
    assert parsed["documents"] == ["A"]


def test_an_exception_stays_on_the_one_line():
    try:
        raise ValueError("boom")
    except ValueError:
        made = record()
        made.exc_info = sys.exc_info()

    parsed = json.loads(JsonFormatter().format(made))

    assert "ValueError: boom" in parsed["exception"]


def test_log_format_json_is_chosen_by_a_setting_and_a_bad_value_fails_loudly():
    script = "import logging, django; django.setup(); logging.getLogger('x').warning('hi')"
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", "PATH": ""}

    good = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "LOG_FORMAT": "json"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    bad = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "LOG_FORMAT": "xml"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )

    assert json.loads(good.stderr.strip().splitlines()[-1])["message"] == "hi"
    assert "LOG_FORMAT must be 'text' or 'json'" in bad.stderr


@responses.activate
def test_a_call_to_xero_logs_one_json_line_with_merchant_documents_batch_and_correlation(
    caplog, export_outlet, settings
):
    settings.XERO_API_URL = "https://api.xero.test/api.xro/2.0"
    connection = export_outlet.merchant.xero_connections.get()
    responses.put(f"{settings.XERO_API_URL}/Invoices", json={"Invoices": []})

    with caplog.at_level(logging.INFO, logger="xero_integration.xero.transport"):
        transport.send(
            connection=connection,
            outlet=export_outlet,
            method="PUT",
            url=f"{settings.XERO_API_URL}/Invoices",
            operation="create_invoices",
            json={"Invoices": []},
            idempotency_key="xb-batch-1",
            documents=["POSS1-B1"],
            access_token="tok",
        )

    (line,) = [json.loads(JsonFormatter().format(r)) for r in caplog.records]
    log = SyncLog.objects.get()
    assert line["message"] == f"xero create_invoices: HTTP 200 (correlation {log.correlation_id})"
    assert line["merchant_id"] == export_outlet.merchant_id
    assert line["outlet_id"] == export_outlet.pk
    assert line["documents"] == ["POSS1-B1"] and line["batch"] == "xb-batch-1"
    assert line["correlation_id"] == log.correlation_id and line["http_status"] == 200
