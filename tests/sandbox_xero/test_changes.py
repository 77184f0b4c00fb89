"""/_sandbox/change-document: a person's change in Xero, and the webhook event it causes."""

import base64
import hashlib
import hmac
import json
from decimal import Decimal

import jsonschema
import pytest
import requests
import yaml

from tests.xero_spec import require_spec, spec_path

from .conftest import data, invoice
from .test_journals import journal
from .test_journals import put as put_journal
from .test_payments import create_invoice, pay


def change(api, body):
    return requests.post(f"{api.base_url}/_sandbox/change-document", json=body, timeout=10)


def test_voiding_a_paid_invoice_removes_its_payments_first(api):
    create_invoice(api)
    payment = pay(api, "115.00")

    assert change(api, {"number": "POS-1", "status": "VOIDED"}).status_code == 200

    stored = data(api.get("Invoices", InvoiceNumbers="POS-1"))["Invoices"][0]
    assert (stored["Status"], stored["Payments"], stored["AmountPaid"]) == ("VOIDED", [], 0)
    deleted = data(api.get("Payments/" + payment["PaymentID"]))["Payments"][0]
    assert deleted["Status"] == "DELETED"


def test_removing_payments_leaves_the_invoice_owing_its_total(api):
    create_invoice(api)
    pay(api, "115.00")

    change(api, {"number": "POS-1", "remove_payments": True})

    stored = data(api.get("Invoices", InvoiceNumbers="POS-1"))["Invoices"][0]
    assert (stored["Status"], stored["AmountDue"]) == ("AUTHORISED", Decimal("115.00"))


def test_unknown_number_or_status_is_refused(api):
    create_invoice(api)

    assert change(api, {"number": "NOPE", "status": "VOIDED"}).status_code == 400
    assert change(api, {"number": "POS-1", "status": "PAID"}).status_code == 400


def test_the_event_is_signed_with_the_webhook_key(api):
    create_invoice(api)
    api.control("POST", "config", {"webhook_key": "k3y"})

    event = change(api, {"number": "POS-1", "status": "DELETED"}).json()["event"]

    digest = hmac.new(b"k3y", event["body"].encode(), hashlib.sha256).digest()
    assert event["signature"] == base64.b64encode(digest).decode()


def test_the_event_has_the_shape_of_xeros_webhook_spec(api):
    require_spec()
    stored = api.put("Invoices", {"Invoices": [invoice(InvoiceNumber="POS-9")]})
    invoice_id = data(stored)["Invoices"][0]["InvoiceID"]

    event = json.loads(change(api, {"number": "POS-9", "status": "VOIDED"}).json()["event"]["body"])

    spec = yaml.safe_load((spec_path().parent / "xero-webhooks.yaml").read_text())
    schema = {**spec["components"]["schemas"]["WebhookEvent"], "components": spec["components"]}
    jsonschema.Draft202012Validator(schema).validate(event)
    assert [(e["resourceId"], e["eventCategory"], e["eventType"]) for e in event["events"]] == [
        (invoice_id, "INVOICE", "UPDATE")
    ]


@pytest.mark.parametrize("value", [3, True])
def test_webhook_settings_must_be_text(api, value):
    reply = requests.post(
        f"{api.base_url}/_sandbox/config", json={"webhook_url": value}, timeout=10
    )

    assert reply.status_code == 400


def test_voiding_a_journal_by_its_narration_sends_no_event(api):
    put_journal(api, journal())

    reply = change(
        api, {"kind": "manual_journal", "number": "POS takings 2026-11-23", "status": "VOIDED"}
    )

    [stored] = data(api.get("ManualJournals", where='Narration=="POS takings 2026-11-23"'))[
        "ManualJournals"
    ]
    assert stored["Status"] == "VOIDED"
    assert (reply.status_code, reply.json()["event"]) == (200, None)  # Xero has no journal events


def test_a_journal_already_voided_cannot_be_voided_again(api):
    put_journal(api, journal())
    body = {"kind": "manual_journal", "number": "POS takings 2026-11-23", "status": "VOIDED"}
    change(api, body)

    assert change(api, body).status_code == 400
