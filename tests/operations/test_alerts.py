"""Alerts reach the merchant's finance contacts by email and the POS platform by a signed
webhook: once per problem, however often it is evaluated, and once more when it clears."""

import datetime
import json

import pytest
from django.core import mail
from django.utils import timezone

from operations import webhooks
from operations.models import AlertSettings, Problem, WebhookDelivery
from operations.services import evaluate_alerts, update_alert_settings
from outlets.models import ExportFrequency
from xero_integration.models import ConnectionStatus, ExportStatus

from .conftest import XERO_LOCKED, a_document, a_failed_document, a_sale

FINANCE = ["accounts@harbourcafe.example", "owner@harbourcafe.example"]


@pytest.fixture
def contacts(merchant, receiver):
    return update_alert_settings(
        merchant=merchant, finance_emails=FINANCE, webhook_url=receiver.url
    )


def signed_bodies(receiver, secret):
    """Every webhook received, after checking its signature as a receiver must."""
    for item in receiver.received:
        header = item["headers"][webhooks.SIGNATURE_HEADER]
        assert webhooks.verify(secret, header, item["body"]), header
    return receiver.bodies()


def test_failed_exports_alert_once_by_email_and_signed_webhook(export_outlet, contacts, receiver):
    a_failed_document(export_outlet, "POSS1-B1")
    a_failed_document(export_outlet, "POSS1-B2")  # a second document: the same problem

    for _ in range(3):  # the task runs every minute; the problem is told once
        evaluate_alerts()

    (email,) = mail.outbox
    assert email.to == FINANCE
    assert email.subject == "[xero-bridge] Exports failing: Allowed Cafe"
    assert "2 export(s) of outlet 'Front counter' (S1) of Allowed Cafe failed" in email.body
    assert XERO_LOCKED in email.body
    (body,) = signed_bodies(receiver, contacts.webhook_secret)
    assert body["event"] == "problem.opened"
    assert body["problem"]["kind"] == "exports_failing"
    assert body["problem"]["merchant_id"] == "M-ALLOWED"
    assert body["problem"]["pos_station_id"] == "S1"
    assert body["problem"]["cleared_at"] is None
    headers = receiver.received[0]["headers"]
    assert headers[webhooks.EVENT_HEADER] == "problem.opened"


def test_recovery_is_notified_once_when_the_problem_clears(export_outlet, contacts, receiver):
    failed = a_failed_document(export_outlet)
    evaluate_alerts()
    ExportDocument_resolved(failed)

    evaluate_alerts()
    evaluate_alerts()

    assert [m.subject for m in mail.outbox] == [
        "[xero-bridge] Exports failing: Allowed Cafe",
        "[xero-bridge] Resolved — Exports failing: Allowed Cafe",
    ]
    events = [body["event"] for body in signed_bodies(receiver, contacts.webhook_secret)]
    assert events == ["problem.opened", "problem.cleared"]
    (problem,) = Problem.objects.all()
    assert problem.cleared_at is not None and problem.recovery_notified_at is not None


def ExportDocument_resolved(document):
    document.status = document.payments_status = ExportStatus.SENT
    document.last_error = ""
    document.save()


def test_the_same_problem_coming_back_is_a_new_alert(export_outlet, contacts, receiver):
    failed = a_failed_document(export_outlet)
    evaluate_alerts()
    ExportDocument_resolved(failed)
    evaluate_alerts()
    a_failed_document(export_outlet, "POSS1-B9")

    evaluate_alerts()

    events = [body["event"] for body in signed_bodies(receiver, contacts.webhook_secret)]
    assert events == ["problem.opened", "problem.cleared", "problem.opened"]
    assert Problem.objects.count() == 2


def test_a_connection_needing_reconnect_is_alerted_once(export_outlet, contacts, receiver):
    connection = export_outlet.merchant.xero_connections.get()
    connection.status = ConnectionStatus.NEEDS_RECONNECT
    connection.status_reason = "Xero refused the refresh token (invalid_grant)."
    connection.save()
    # Its sales wait a long time, but the cause is the reconnect: no second alert.
    export_outlet.export_settings.frequency = ExportFrequency.REALTIME
    export_outlet.export_settings.save()
    a_sale(export_outlet, "B1", received_at=timezone.now() - datetime.timedelta(hours=5))

    evaluate_alerts()
    evaluate_alerts()

    (email,) = mail.outbox
    assert email.subject == "[xero-bridge] Xero connection needs reconnecting: Allowed Cafe"
    assert "Harbour Cafe Pty Ltd needs reconnecting: Xero refused the refresh token" in email.body
    assert [b["problem"]["kind"] for b in receiver.bodies()] == ["needs_reconnect"]


@pytest.mark.parametrize(
    "frequency, waited, overdue",
    [
        (ExportFrequency.REALTIME, datetime.timedelta(minutes=10), False),
        (ExportFrequency.REALTIME, datetime.timedelta(minutes=20), True),
        (ExportFrequency.HOURLY, datetime.timedelta(minutes=90), False),
        (ExportFrequency.HOURLY, datetime.timedelta(hours=3), True),
        (ExportFrequency.DAILY, datetime.timedelta(hours=30), False),
        (ExportFrequency.DAILY, datetime.timedelta(days=3), True),
        (ExportFrequency.MANUAL, datetime.timedelta(days=30), False),
    ],
)
def test_an_outlet_that_exported_nothing_for_longer_than_its_frequency_allows_is_overdue(
    export_outlet, contacts, frequency, waited, overdue
):
    export_outlet.export_settings.frequency = frequency
    export_outlet.export_settings.save()
    a_sale(export_outlet, "B1", received_at=timezone.now() - waited)

    evaluate_alerts()

    subjects = [m.subject for m in mail.outbox]
    assert subjects == (
        ["[xero-bridge] Nothing exported for too long: Allowed Cafe"] if overdue else []
    )


def test_an_outlet_that_exports_recently_is_not_overdue(export_outlet, contacts):
    export_outlet.export_settings.frequency = ExportFrequency.REALTIME
    export_outlet.export_settings.save()
    a_sale(export_outlet, "OLD", received_at=timezone.now() - datetime.timedelta(hours=2))
    a_document(export_outlet, "POSS1-NEW")  # something went to Xero just now

    evaluate_alerts()

    assert mail.outbox == []


def test_a_webhook_that_fails_is_retried_with_backoff_until_delivered(
    export_outlet, contacts, receiver, settings
):
    settings.WEBHOOK_BACKOFF_SECONDS = 30
    receiver.replies = [500, 502]
    a_failed_document(export_outlet)

    evaluate_alerts()
    delivery = WebhookDelivery.objects.get()
    first_wait = delivery.next_attempt_at - timezone.now()
    webhooks.deliver_due(now=delivery.next_attempt_at)  # nothing is due before then
    delivery.refresh_from_db()
    second_wait = delivery.next_attempt_at - timezone.now()
    webhooks.deliver_due(now=delivery.next_attempt_at)

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED and delivery.attempts == 3
    assert datetime.timedelta(seconds=25) < first_wait <= datetime.timedelta(seconds=30)
    assert datetime.timedelta(seconds=55) < second_wait <= datetime.timedelta(seconds=60)
    bodies = signed_bodies(receiver, contacts.webhook_secret)
    assert len(bodies) == 3 and len({json.dumps(b, sort_keys=True) for b in bodies}) == 1
    assert len({item["headers"][webhooks.DELIVERY_HEADER] for item in receiver.received}) == 1


def test_a_webhook_gives_up_after_its_attempts(export_outlet, contacts, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    receiver.replies = [500, 500, 500]
    a_failed_document(export_outlet)

    evaluate_alerts()
    delivery = WebhookDelivery.objects.get()
    webhooks.deliver_due(now=delivery.next_attempt_at)
    webhooks.deliver_due(now=timezone.now() + datetime.timedelta(days=1))

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.GAVE_UP and delivery.attempts == 2
    assert delivery.last_error.startswith("HTTP 500")
    assert len(receiver.received) == 2


def test_a_delivery_claimed_by_another_worker_is_not_sent_again(export_outlet, contacts, receiver):
    a_failed_document(export_outlet)
    receiver.replies = [500]
    evaluate_alerts()
    delivery = WebhookDelivery.objects.get()
    stale = WebhookDelivery.objects.get()  # read before another worker claimed it
    assert webhooks.claim(delivery, delivery.next_attempt_at)

    assert webhooks.deliver(stale, stale.next_attempt_at) is False


def test_a_signature_with_another_secret_or_body_or_an_old_timestamp_fails():
    body = b'{"event": "problem.opened"}'
    header = webhooks.signature("whsec_right", 1_900_000_000, body)

    assert webhooks.verify("whsec_right", header, body, tolerance=10**10)
    assert not webhooks.verify("whsec_wrong", header, body, tolerance=10**10)
    assert not webhooks.verify("whsec_right", header, body + b" ", tolerance=10**10)
    assert not webhooks.verify("whsec_right", header, body)  # 2030: not recent


def test_a_merchant_without_alert_settings_gets_no_alert_but_the_problem_is_kept(export_outlet):
    a_failed_document(export_outlet)

    evaluate_alerts()

    assert mail.outbox == [] and not AlertSettings.objects.exists()
    assert Problem.objects.get().notified_at is not None
