"""All sandbox data behind one lock, optionally snapshotted to a JSON file after each write."""

import os
import tempfile
import threading
from typing import Any

from . import wire
from .wire import JsonObject

DEFAULT_CONFIG = {
    "orgs_per_authorisation": 1,
    "concurrent_limit": 5,  # Xero: 5 calls in progress per tenant
    "minute_limit": 60,  # Xero: 60 calls per minute per tenant
    "minute_window_seconds": 60,  # shortened by tests instead of sleeping a minute
    "day_limit": 5000,  # Xero: 5,000 calls per day per tenant
    "day_window_seconds": 86400,
    "app_minute_limit": 10000,  # Xero: 10,000 per minute across all tenants
    "idempotency_seconds": 360,  # keys are kept 6 minutes (xero-api-notes §3)
    "period_lock_date": "2000-12-31",
    "access_token_seconds": 1800,
    "refresh_grace_seconds": 1800,  # a used refresh token can be retried for 30 minutes
    "code_seconds": 300,  # authorization codes expire after 5 minutes
    "consent": False,
    # Choices Xero may make either way: strict where Xero documents strictness. Each is
    # described in CONFIG_HELP (python -m sandbox_xero --help) and the package docstring.
    "unique_numbers": True,
    "idempotency_caches_errors": True,
    "refuse_sub_cent_payments": True,
    "not_modified_304": True,
    "max_request_bytes": 3_500_000,  # Xero: 3.5MB per request (notes §4)
    "max_elements_per_request": 50,  # Xero recommends up to 50 (notes §4)
    # Where a change made through /_sandbox/change-document is announced, signed with
    # webhook_key as Xero signs its webhooks (notes §7); empty: not sent.
    "webhook_url": "",
    "webhook_key": "",
}

CONFIG_HELP = {
    "unique_numbers": (
        "refuse a second ACCREC invoice or ACCRECCREDIT credit note with a number already in "
        "use (Xero documents ACCREC numbers as unique); off, the duplicate is stored"
    ),
    "idempotency_caches_errors": (
        "a 5xx answered to a keyed write is kept under its Idempotency-Key, and a replay within "
        "idempotency_seconds gets the same 5xx (notes §3); off, the replay is processed"
    ),
    "refuse_sub_cent_payments": (
        "refuse a payment Amount with a fraction of a cent; off, round it half-up to cents"
    ),
    "not_modified_304": (
        "answer 304 with no body when nothing changed since If-Modified-Since; off, 200 and an "
        "empty list"
    ),
    "webhook_url": (
        "where /_sandbox/change-document sends the webhook event Xero would send for the "
        "change, signed with webhook_key; empty: not sent (the answer still carries it)"
    ),
    "webhook_key": "the webhook signing key (x-xero-signature: base64 HMAC-SHA256 of the body)",
    "max_request_bytes": "answer 413 to a larger request body (notes §4: 3.5 MB); 0: no limit",
    "max_elements_per_request": (
        "refuse a batch with more elements, 400 (Xero recommends up to 50, notes §4); 0: no limit"
    ),
}


def empty_data() -> JsonObject:
    return {
        "tenants": {},
        "tenant_order": [],
        "connections": {},
        "grants": {},
        "refresh_tokens": {},
        "access_tokens": {},
        "codes": {},
        "token_refresh_count": 0,
        "token_endpoint_calls": 0,
        "webhook_sequence": 0,
    }


class SandboxState:
    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        config: dict[str, Any] | None = None,
        state_file: str | None = None,
    ):
        # One re-entrant lock guards `data` and `config`; handlers never sleep while holding it.
        self.lock = threading.RLock()
        self.client_id = client_id
        self.client_secret = client_secret
        self.state_file = state_file
        self.initial_config = {**DEFAULT_CONFIG, **(config or {})}
        self.config = dict(self.initial_config)
        self.data = empty_data()
        if state_file and os.path.exists(state_file):
            self.load()

    def reset(self) -> None:
        with self.lock:
            self.config = dict(self.initial_config)
            self.data = empty_data()
            self.save()

    def tenant(self, tenant_id: str) -> JsonObject | None:
        return self.data["tenants"].get(tenant_id)

    def load(self) -> None:
        if not self.state_file:
            return
        with open(self.state_file, encoding="utf-8") as handle:
            snapshot = wire.loads(handle.read())
        self.config = {**self.initial_config, **snapshot.get("config", {})}
        self.data = {**empty_data(), **snapshot["data"]}

    def save(self) -> None:
        """Write atomically (temp file + rename) so a crash never leaves half a snapshot."""
        if not self.state_file:
            return
        with self.lock:
            text = wire.dumps({"config": self.config, "data": self.data})
        folder = os.path.dirname(os.path.abspath(self.state_file))
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".sandbox-state-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, self.state_file)
