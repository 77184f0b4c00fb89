"""The path every Accounting API call takes: token, tenant, rate limits, faults, idempotency.

Order follows Xero: a body over the size limit is refused before anything else (413), then
authentication, then rate limiting, then idempotency (replays still use quota, xero-api-notes
§3), then the handler; its answer is XML unless the caller asked for JSON.
"""

import collections
import time
from typing import TYPE_CHECKING

from . import accounting, idempotency, oauth, xmlreply
from .idempotency import CachedReply
from .limits import Limited
from .reply import Reply, bad_request, problem, server_error

if TYPE_CHECKING:  # server imports this module
    from .server import Request, SandboxServer

MSG_KEY_TOO_LONG = "Idempotency-Key must be between 1 and 128 characters."
MSG_KEY_REUSED = "Idempotency Key: {} is used with a different request."
MSG_FAULT = "The sandbox was told to fail this call."
WRITE_METHODS = ("PUT", "POST")


def api_call(server: "SandboxServer", request: "Request") -> Reply:
    if _too_large(server, request):
        # Xero's shape for it (Xero-Java#349); the web server refuses before anything else.
        return problem(413, "RequestEntityTooLarge", "PayloadTooLarge")
    tenant_id = request.headers.get("xero-tenant-id") or ""
    with server.state.lock:
        _, error = oauth.authenticate(server.state, request.headers)
        error = error or oauth.check_tenant(server.state, tenant_id)
    if error:
        return error
    try:
        remaining = server.limiter.acquire(tenant_id, request.path)
    except Limited as limited:
        return _too_many(limited.problem, limited.retry_after, server.limiter.remaining(tenant_id))
    try:
        reply = _admitted(server, request, tenant_id)
    finally:
        # Released only after any fault sleep, so a slow call really occupies a concurrency slot.
        server.limiter.release(tenant_id)
    reply.headers.update(remaining)
    return reply


def _too_large(server: "SandboxServer", request: "Request") -> bool:
    """Over config max_request_bytes (0: no limit): "A single POST to the Accounting or
    Payroll APIs has a size limit of 3.5MB" (notes §4). 3,500,000 bytes, the stricter
    reading of 3.5MB."""
    limit = server.state.config["max_request_bytes"]
    return bool(limit) and len(request.body) > limit


def _too_many(limit_problem: str, retry_after: int | None, remaining: dict[str, int]) -> Reply:
    reply = problem(429, "Too Many Requests", f"Rate limit exceeded: {limit_problem}")
    reply.headers.update(remaining)
    reply.headers["X-Rate-Limit-Problem"] = limit_problem
    if retry_after is not None:
        reply.headers["Retry-After"] = str(retry_after)
    return reply


def _admitted(server: "SandboxServer", request: "Request", tenant_id: str) -> Reply:
    fault = server.faults.take(request.method, request.path, tenant_id) or {}
    kind = fault.get("kind")  # None: no fault queued for this call
    if kind == "rate_limit":
        return _too_many("minute", fault["retry_after"], {})
    if kind == "server_error":
        reply = server_error(fault["status"], MSG_FAULT)
        _cache_error(server, request, tenant_id, reply)
        return reply
    if kind == "slow":
        server.stopping.wait(fault["delay"])
    reply = _process(server, request, tenant_id)
    if kind == "timeout":
        server.stopping.wait(fault["delay"])
    if kind in ("drop_after_store", "timeout"):
        reply.drop_connection = True
    return reply


def _cache_error(server: "SandboxServer", request: "Request", tenant_id: str, reply: Reply) -> None:
    """Keep an internal error under the request's key, as Xero does (notes §3: "the error will
    be cached and returned when the request is re-run even if the internal error is
    resolved"), so a replay within the window gets the same 5xx. A key already in use keeps
    its first answer. Config idempotency_caches_errors off: the replay is processed."""
    key = _key(request)
    if key is None or not _key_ok(key) or not server.state.config["idempotency_caches_errors"]:
        return
    fingerprint = _fingerprint(request, tenant_id)
    with server.state.lock:
        outcome, _ = server.idempotency.lookup(key, fingerprint)
        if outcome == "new":
            server.idempotency.store(key, fingerprint, _freeze(reply))


def _key(request: "Request") -> str | None:
    return request.headers.get("Idempotency-Key") if request.method in WRITE_METHODS else None


def _key_ok(key: str) -> bool:
    return 0 < len(key) <= idempotency.MAX_KEY_LENGTH


def _fingerprint(request: "Request", tenant_id: str) -> str:
    return idempotency.fingerprint(request.method, request.raw_path, tenant_id, request.body)


def _process(server: "SandboxServer", request: "Request", tenant_id: str) -> Reply:
    key = _key(request)
    if key is not None and not _key_ok(key):
        return bad_request(MSG_KEY_TOO_LONG)
    state = server.state
    with state.lock:
        if key is not None:
            fingerprint = _fingerprint(request, tenant_id)
            outcome, cached = server.idempotency.lookup(key, fingerprint)
            if outcome == "replay" and cached is not None:
                return _thaw(cached)
            if outcome == "conflict":
                return bad_request(MSG_KEY_REUSED.format(key), error_type="IdempotencyException")
        tenant = state.tenant(tenant_id)
        assert tenant is not None  # api_call admitted only a tenant with a live connection
        reply = _negotiated(request, accounting.handle(state, tenant, request))
        if key is not None:
            server.idempotency.store(key, fingerprint, _freeze(reply))
        if request.method in WRITE_METHODS:
            state.save()
    return reply


def _negotiated(request: "Request", reply: Reply) -> Reply:
    """XML unless the caller asked for JSON, as Xero answers (notes §4). Done before the
    answer is cached, so a replay is the first answer byte for byte."""
    if xmlreply.wants_json(request.headers):
        return reply
    collection = request.path.strip("/").split("/")[0]
    return xmlreply.as_xml(reply, collection)


def _freeze(reply: Reply) -> CachedReply:
    """Cache the exact bytes so a replay is byte-for-byte the first answer."""
    return (reply.status, dict(reply.headers), reply.payload(), reply.content_type)


def _thaw(frozen: CachedReply) -> Reply:
    status, headers, payload, content_type = frozen
    return Reply(status=status, headers=dict(headers), raw=payload, content_type=content_type)


class CallLog:
    """The last few hundred API calls, for tests and for people reading /_sandbox/requests."""

    def __init__(self, size: int = 500):
        self.calls: collections.deque[dict[str, object]] = collections.deque(maxlen=size)

    def add(self, request: "Request", reply: Reply) -> None:
        self.calls.append(
            {
                "at": time.time(),
                "method": request.method,
                "path": request.raw_path,
                "tenant_id": request.headers.get("xero-tenant-id"),
                "idempotency_key": request.headers.get("Idempotency-Key"),
                "status": reply.status,
                "dropped": reply.drop_connection,
            }
        )

    def clear(self) -> None:
        self.calls.clear()
