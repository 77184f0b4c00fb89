"""Signed webhooks to the POS platform: signing, one POST, and the delivery retry state.

This module is the service's one outbound HTTP client other than the Xero client
(xero_integration/xero/), which owns every call to Xero. It never retries inline:
a failed POST is recorded on its WebhookDelivery row and tried again by the periodic
task (deliver_due_webhooks) with exponential backoff, so the retry state survives a
restart and two workers never send the same delivery at once.

Signature (verify it before trusting a webhook):
    X-Xero-Bridge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
The timestamp is signed with the body so an old webhook cannot be replayed later:
receivers should refuse a `t` more than a few minutes old.
"""

import datetime
import hashlib
import hmac
import logging
import time

import requests
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from .models import AlertSettings, WebhookDelivery

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Xero-Bridge-Signature"
EVENT_HEADER = "X-Xero-Bridge-Event"
DELIVERY_HEADER = "X-Xero-Bridge-Delivery"
MAX_ERROR_CHARS = 500
BATCH = 50


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The header value for a body sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(secret: str, header: str, body: bytes, *, tolerance: int = 300) -> bool:
    """What a receiver does (and the tests): the signature matches and is recent."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = signature(secret, timestamp, body)
    fresh = abs(time.time() - timestamp) <= tolerance
    return fresh and hmac.compare_digest(expected, header)


def post(delivery: WebhookDelivery, secret: str) -> tuple[int | None, str]:
    """One signed POST; returns (HTTP status or None, error text or "")."""
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "xero-bridge-webhooks",
        SIGNATURE_HEADER: signature(secret, int(time.time()), body),
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.pk),
    }
    try:
        # No redirects: a signed body goes only where the merchant registered it.
        reply = requests.post(
            delivery.url,
            data=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
    if 200 <= reply.status_code < 300:
        return reply.status_code, ""
    return reply.status_code, f"HTTP {reply.status_code}: {reply.text}"[:MAX_ERROR_CHARS]


def backoff(attempts: int) -> datetime.timedelta:
    """After the n-th failed attempt: base × 2^(n-1), capped."""
    seconds = settings.WEBHOOK_BACKOFF_SECONDS * 2 ** (attempts - 1)
    return datetime.timedelta(seconds=min(seconds, settings.WEBHOOK_BACKOFF_CAP_SECONDS))


def deliver_due(now: datetime.datetime | None = None) -> int:
    """Try every pending delivery whose time has come; returns how many were delivered."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "pk")[:BATCH]
    return sum(deliver(delivery, now) for delivery in list(due))


def deliver(delivery: WebhookDelivery, now: datetime.datetime) -> bool:
    if not claim(delivery, now):
        return False  # another worker has it
    secret = AlertSettings.objects.filter(merchant_id=delivery.merchant_id).first()
    status, error = post(delivery, secret.webhook_secret if secret else "")
    record(delivery, status, error)
    return not error


def claim(delivery: WebhookDelivery, now: datetime.datetime) -> bool:
    """Conditional UPDATE: the next attempt moves past the POST's timeout, so no other
    worker picks the row while this one sends; if this one dies, it is due again then."""
    lease = datetime.timedelta(seconds=2 * settings.WEBHOOK_TIMEOUT_SECONDS)
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk,
        status=WebhookDelivery.Status.PENDING,
        next_attempt_at=delivery.next_attempt_at,
    ).update(next_attempt_at=now + lease, attempts=F("attempts") + 1)
    delivery.refresh_from_db(fields=["attempts", "next_attempt_at"])
    return claimed == 1


def record(delivery: WebhookDelivery, status: int | None, error: str) -> None:
    now = timezone.now()
    delivery.last_status_code, delivery.last_error = status, error
    if not error:
        delivery.status, delivery.delivered_at = WebhookDelivery.Status.DELIVERED, now
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.GAVE_UP
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    delivery.save(
        update_fields=[
            "status",
            "delivered_at",
            "next_attempt_at",
            "last_error",
            "last_status_code",
        ]
    )
    log = logger.info if not error else logger.warning
    log(
        "webhook %s to %s: %s",
        delivery.event,
        delivery.url,
        error or f"HTTP {status}",
        extra={"merchant_id": delivery.merchant_id, "webhook_delivery_id": delivery.pk},
    )
