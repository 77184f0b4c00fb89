"""Xero's webhook events: check the signature, then read back the documents they name.

Xero signs each request with base64(HMAC-SHA256(raw body, webhook key)) in
`x-xero-signature`; a correct signature answers 200, any other 401, and the "intent to
receive" handshake is just such requests with no events (xero-webhooks.yaml; notes §7).
Events are thin (a resource id and a tenant), and Xero wants an answer within 5 seconds,
so nothing is read from Xero here: each of our documents named queues a read-back of its
day by the worker.
"""

import base64
import hashlib
import hmac
import json
import logging

from django.conf import settings

from ..models import ExportDocument, ExportStatus
from ..tasks import queue_reconciliation

logger = logging.getLogger(__name__)

# Categories whose resources are our documents (xero-webhooks.yaml eventCategory).
DOCUMENT_CATEGORIES = ("INVOICE", "CREDITNOTE")


def signature_is_valid(body: bytes, signature: str) -> bool:
    key = settings.XERO_WEBHOOK_KEY
    if not key or not signature:
        return False  # without a key nothing can be trusted
    digest = hmac.new(key.encode("utf-8"), body, hashlib.sha256).digest()
    # compare_digest: the time taken says nothing about how much of a guess was right.
    return hmac.compare_digest(base64.b64encode(digest).decode("ascii"), signature)


def document_events(body: bytes) -> list[tuple[str, str]]:
    """(tenant id, resource id) of each invoice or credit-note event in a signed body."""
    try:
        payload = json.loads(body)
    except ValueError:
        logger.warning("xero webhook: a signed body that is not JSON was ignored")
        return []
    events = payload.get("events") if isinstance(payload, dict) else None
    return [
        (str(event.get("tenantId")), str(event.get("resourceId")))
        for event in events or []
        if isinstance(event, dict) and event.get("eventCategory") in DOCUMENT_CATEGORIES
    ]


def receive_events(body: bytes) -> int:
    """Queue a read-back of each outlet-day holding a document the events name; returns
    how many were queued. Events about documents that are not ours are ignored."""
    days = set()
    for tenant_id, resource_id in document_events(body):
        documents = ExportDocument.objects.filter(
            xero_id=resource_id, connection__tenant_id=tenant_id, status=ExportStatus.SENT
        )
        days |= set(documents.values_list("outlet_id", "business_date"))
    for outlet_id, day in sorted(days):
        queue_reconciliation(outlet_id=outlet_id, start=day)
    return len(days)
