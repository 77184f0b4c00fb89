"""Idempotency-Key replay, as Xero describes it (xero-api-notes §3, partly unconfirmed):
the same key with the same method, URL and body within the window gets the cached response
without being processed again; the same key with a different request is a 400; after the
window the key is forgotten and a reuse is processed as new. Keys are per app, so the cache is
shared by every tenant and caller of this sandbox.
"""

import hashlib
import time

MAX_KEY_LENGTH = 128


def fingerprint(method, path_and_query, tenant_id, body):
    digest = hashlib.sha256(body or b"").hexdigest()
    return f"{method} {path_and_query} {tenant_id} {digest}"


class IdempotencyCache:
    """Not locked itself: callers hold the state lock across lookup, processing and store,
    so two concurrent requests with one key cannot both be processed."""

    def __init__(self, config):
        self.config = config
        self.entries = {}

    def reset(self, config):
        self.config = config
        self.entries = {}

    def lookup(self, key, request_print):
        """Return ("replay", reply), ("conflict", None) or ("new", None)."""
        self._expire()
        entry = self.entries.get(key)
        if entry is None:
            return "new", None
        if entry["print"] != request_print:
            return "conflict", None
        return "replay", entry["reply"]

    def store(self, key, request_print, reply):
        self.entries[key] = {"print": request_print, "reply": reply, "at": time.monotonic()}

    def _expire(self):
        cutoff = time.monotonic() - self.config["idempotency_seconds"]
        for key in [k for k, e in self.entries.items() if e["at"] <= cutoff]:
            del self.entries[key]
