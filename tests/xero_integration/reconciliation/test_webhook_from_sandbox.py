"""The sandbox Xero posts its signed webhook event to the running service, as Xero does."""

import pytest
import requests

from xero_integration.models import DayStatus, ReconciliationDay

from .conftest import a_sale, change_in_xero, export_all, ingest, run_queued


@pytest.mark.django_db(transaction=True)
def test_sandbox_webhook_reaches_the_service_and_the_day_turns_red(
    live_server, sandbox, connection, outlet
):
    webhook_url = f"{live_server.url}/xero/webhooks"
    requests.post(f"{sandbox}/_sandbox/config", json={"webhook_url": webhook_url}, timeout=10)
    ingest(outlet.merchant, a_sale("A1"))
    export_all(outlet, connection)

    reply = change_in_xero(sandbox, "POSS1-A1", status="VOIDED")
    run_queued("reconcile_outlet_task")

    assert reply["delivered"] == 200
    day = ReconciliationDay.objects.get(outlet=outlet)
    assert (day.status, [f["flag"] for f in day.flags]) == (DayStatus.RED, ["voided"])


@pytest.mark.django_db(transaction=True)
def test_sandbox_event_signed_with_another_key_is_refused_401(
    live_server, sandbox, connection, outlet
):
    config = {"webhook_url": f"{live_server.url}/xero/webhooks", "webhook_key": "not-ours"}
    requests.post(f"{sandbox}/_sandbox/config", json=config, timeout=10)
    ingest(outlet.merchant, a_sale("A1"))
    export_all(outlet, connection)

    reply = change_in_xero(sandbox, "POSS1-A1", status="VOIDED")

    assert reply["delivered"] == 401
    assert run_queued("reconcile_outlet_task") == []
