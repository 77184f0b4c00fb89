"""Webhook events as Xero sends them (xero-webhooks.yaml WebhookEvent): thin events naming
the changed resource, signed with the webhook key.

The signature is base64(HMAC-SHA256(raw body, webhook key)) in `x-xero-signature`
(developer.xero.com/documentation/webhooks/configuring-your-server; notes §7). Sent from a
thread, after the sandbox's lock is released, to config `webhook_url`.
"""

import base64
import datetime
import hashlib
import hmac
import logging
import secrets
import urllib.request

from . import wire
from .wire import JsonObject

log = logging.getLogger("sandbox_xero")
SEND_TIMEOUT_SECONDS = 5  # Xero expects an answer within 5 seconds (notes §7)


def sign(body: bytes, key: str) -> str:
    digest = hmac.new(key.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def event_payload(tenant_id: str, changed: JsonObject, sequence: int) -> JsonObject:
    """One UPDATE event for the changed document; `changed` is changes.public_summary."""
    path = "Invoices" if changed["category"] == "INVOICE" else "CreditNotes"
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
    return {
        "events": [
            {
                "resourceUrl": f"https://api.xero.com/api.xro/2.0/{path}/{changed['id']}",
                "resourceId": changed["id"],
                "eventDateUtc": when,
                "eventType": "UPDATE",
                "eventCategory": changed["category"],
                "tenantId": tenant_id,
                "tenantType": "ORGANISATION",
            }
        ],
        "firstEventSequence": sequence,
        "lastEventSequence": sequence,
        "entropy": secrets.token_hex(10).upper(),
    }


def post_event(url: str, key: str, payload: JsonObject) -> int:
    """POST the signed event; returns the HTTP status (0 when it could not be delivered)."""
    body = wire.dumps(payload).encode("utf-8")  # the same text the control answer shows
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "x-xero-signature": sign(body, key)},
    )
    try:
        with urllib.request.urlopen(request, timeout=SEND_TIMEOUT_SECONDS) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError as error:
        log.warning("webhook to %s not delivered: %s", url, error)
        return 0
