"""Idempotency-Key replay, as Xero describes it (xero-api-notes §3, partly unconfirmed):
the same key with the same method, URL and body within the window gets the cached response
without being processed again; the same key with a different request is a 400; after the
window the key is forgotten and a reuse is processed as new. Keys are per app, so the cache is
shared by every tenant and caller of this sandbox.
"""

import hashlib
import time
from typing import Any

MAX_KEY_LENGTH = 128
# What gateway._freeze keeps of a reply: status, headers, payload bytes, content type.
CachedReply = tuple[int, dict[str, Any], bytes, str]


def fingerprint(method: str, path_and_query: str, tenant_id: str, body: bytes) -> str:
    digest = hashlib.sha256(body or b"").hexdigest()
    return f"{method} {path_and_query} {tenant_id} {digest}"


class IdempotencyCache:
    """Not locked itself: callers hold the state lock across lookup, processing and store,
    so two concurrent requests with one key cannot both be processed."""

    def __init__(self, config: dict[str, Any]):
        self.config = config
        self.entries: dict[str, dict[str, Any]] = {}

    def reset(self, config: dict[str, Any]) -> None:
        self.config = config
        self.entries = {}

    def lookup(self, key: str, request_print: str) -> tuple[str, CachedReply | None]:
        """Return ("replay", reply), ("conflict", None) or ("new", None)."""
        self._expire()
        entry = self.entries.get(key)
        if entry is None:
            return "new", None
        if entry["print"] != request_print:
            return "conflict", None
        return "replay", entry["reply"]

    def store(self, key: str, request_print: str, reply: CachedReply) -> None:
        self.entries[key] = {"print": request_print, "reply": reply, "at": time.monotonic()}

    def _expire(self) -> None:
        cutoff = time.monotonic() - self.config["idempotency_seconds"]
        for key in [k for k, e in self.entries.items() if e["at"] <= cutoff]:
            del self.entries[key]
