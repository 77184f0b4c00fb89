"""The path every Accounting API call takes: token, tenant, rate limits, faults, idempotency.

Order follows Xero: authentication first, then rate limiting, then idempotency (replays still
use quota, xero-api-notes §3), then the handler.
"""

import collections
import time
from typing import TYPE_CHECKING

from . import accounting, idempotency, oauth
from .idempotency import CachedReply
from .limits import Limited
from .reply import Reply, bad_request, problem, server_error

if TYPE_CHECKING:  # server imports this module
    from .server import Request, SandboxServer

MSG_KEY_TOO_LONG = "Idempotency-Key must be between 1 and 128 characters."
MSG_KEY_REUSED = "Idempotency Key: {} is used with a different request."
WRITE_METHODS = ("PUT", "POST")


def api_call(server: "SandboxServer", request: "Request") -> Reply:
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
        return server_error(fault["status"], "The sandbox was told to fail this call.")
    if kind == "slow":
        server.stopping.wait(fault["delay"])
    reply = _process(server, request, tenant_id)
    if kind == "timeout":
        server.stopping.wait(fault["delay"])
    if kind in ("drop_after_store", "timeout"):
        reply.drop_connection = True
    return reply


def _process(server: "SandboxServer", request: "Request", tenant_id: str) -> Reply:
    key = request.headers.get("Idempotency-Key") if request.method in WRITE_METHODS else None
    if key is not None and not 0 < len(key) <= idempotency.MAX_KEY_LENGTH:
        return bad_request(MSG_KEY_TOO_LONG)
    state = server.state
    with state.lock:
        if key is not None:
            fingerprint = idempotency.fingerprint(
                request.method, request.raw_path, tenant_id, request.body
            )
            outcome, cached = server.idempotency.lookup(key, fingerprint)
            if outcome == "replay" and cached is not None:
                return _thaw(cached)
            if outcome == "conflict":
                return bad_request(MSG_KEY_REUSED.format(key), error_type="IdempotencyException")
        tenant = state.tenant(tenant_id)
        assert tenant is not None  # api_call admitted only a tenant with a live connection
        reply = accounting.handle(state, tenant, request)
        if key is not None:
            server.idempotency.store(key, fingerprint, _freeze(reply))
        if request.method in WRITE_METHODS:
            state.save()
    return reply


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
