"""POST /xero/webhooks: Xero's signature and "intent to receive" handshake (notes §7)."""

import base64
import hashlib
import hmac
import json

import pytest
from django_q.models import OrmQ

from tests.factories import OutletFactory, XeroConnectionFactory
from xero_integration.models import ExportDocument

KEY = "webhook-key-123"
# Xero's intent-to-receive request: no events (configuring-your-server; notes §7).
HANDSHAKE = b'{"events":[],"lastEventSequence":0,"firstEventSequence":0,"entropy":"S0m3r4Nd0mt3xt"}'


def signed(body: bytes, key: str = KEY) -> str:
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


def post(client, body: bytes, signature: str):
    return client.post(
        "/xero/webhooks",
        data=body,
        content_type="application/json",
        HTTP_X_XERO_SIGNATURE=signature,
    )


@pytest.fixture(autouse=True)
def webhook_key(settings):
    settings.XERO_WEBHOOK_KEY = KEY


@pytest.fixture
def connection(merchant):
    # No sandbox here (the package's conftest connects one): a connection row is enough.
    return XeroConnectionFactory.create(merchant=merchant)


def test_correctly_signed_handshake_answers_200_with_no_body(client, db):
    response = post(client, HANDSHAKE, signed(HANDSHAKE))

    assert response.status_code == 200
    assert response.content == b""


def test_wrongly_signed_request_answers_401(client, db):
    assert post(client, HANDSHAKE, signed(HANDSHAKE, key="another-key")).status_code == 401


def test_unsigned_request_answers_401(client, db):
    assert (
        client.post("/xero/webhooks", data=HANDSHAKE, content_type="application/json").status_code
        == 401
    )


def test_without_a_configured_key_every_request_answers_401(client, settings, db):
    settings.XERO_WEBHOOK_KEY = ""

    assert post(client, HANDSHAKE, signed(HANDSHAKE, key="")).status_code == 401


def invoice_event(tenant_id: str, resource_id: str) -> bytes:
    event = {
        "resourceUrl": f"https://api.xero.com/api.xro/2.0/Invoices/{resource_id}",
        "resourceId": resource_id,
        "eventDateUtc": "2026-11-30T22:00:00.000",
        "eventType": "UPDATE",
        "eventCategory": "INVOICE",
        "tenantId": tenant_id,
        "tenantType": "ORGANISATION",
    }
    body = {"events": [event], "firstEventSequence": 1, "lastEventSequence": 1, "entropy": "X"}
    return json.dumps(body).encode()


def sent_document(outlet, connection, xero_id):
    return ExportDocument.objects.create(
        outlet=outlet,
        connection=connection,
        kind="invoice",
        grouping="per_sale",
        number="POSS1-A1",
        business_date="2026-11-29",
        currency="AUD",
        status="sent",
        xero_id=xero_id,
    )


def test_event_on_our_document_queues_a_read_back_of_its_day(
    client, outlet, connection, django_capture_on_commit_callbacks
):
    sent_document(outlet, connection, "inv-1")
    body = invoice_event(connection.tenant_id, "inv-1")

    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, body, signed(body)).status_code == 200

    task = OrmQ.objects.get().task
    assert task["func"] == "xero_integration.tasks.reconcile_outlet_task"
    assert task["args"] == (outlet.pk, "2026-11-29", "2026-11-29")


def test_event_from_another_organisation_for_the_same_id_queues_nothing(
    client, outlet, connection, django_capture_on_commit_callbacks
):
    sent_document(outlet, connection, "inv-1")
    stranger = XeroConnectionFactory.create(merchant=OutletFactory.create().merchant)
    body = invoice_event(stranger.tenant_id, "inv-1")

    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, body, signed(body)).status_code == 200

    assert not OrmQ.objects.exists()


def test_signed_body_that_is_not_json_answers_200_and_does_nothing(client, db):
    body = b"not json"

    assert post(client, body, signed(body)).status_code == 200
    assert not OrmQ.objects.exists()


def test_get_is_not_allowed(client, db):
    assert client.get("/xero/webhooks").status_code == 405
