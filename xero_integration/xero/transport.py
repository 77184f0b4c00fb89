"""Every HTTP call to Xero goes through `send`: headers, timeout, rate limits, retries, a log row.

Nothing outside this package imports `requests` (STYLE.md §2). Accounting API calls
(accounting.py) and identity calls (identity.py: token exchange, refresh, revocation,
connections) alike go through `send`, so every call has one timeout rule, one retry
rule, one SyncLog row per attempt and one error classifier (errors.parse_error).
Layers: errors <- calllog, ratelimit <- transport <- identity <- tokens <- accounting;
`send` never fetches a token: the caller passes `access_token=`.

The rules that keep exports exactly-once live here:
- a write (POST/PUT/PATCH) whose outcome is unknown (a timeout, a dropped connection, a
  5xx) is never resent here: the caller gets `outcome_unknown=True` and looks Xero up
  before sending anything again. The Idempotency-Key it carries would make Xero replay
  the stored answer, but only for as long as Xero keeps keys (about 6 minutes, not
  confirmed: notes §3, open item 1), and Xero keeps an internal error under its key too,
  so a resend under it would only fetch the same error. Exactly-once must not lean on
  either;
- a 429 is always safe to resend: Xero rate-limits before it processes or caches anything
  (notes §3, "Idempotency is applied after rate limiting").

Call `send` outside any transaction: its SyncLog rows and rate-limit slots must be visible
to other processes at once, and must survive the caller's rollback.
"""

import base64
import logging
import random
import time
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
import simplejson
from django.conf import settings
from urllib3.exceptions import NewConnectionError

from outlets.models import Merchant, Outlet

from ..models import SyncLog, XeroConnection
from . import calllog, ratelimit
from .calllog import REDACTED
from .errors import (
    CONFIG,
    MSG_CONNECTION,
    MSG_NO_TENANT,
    MSG_OUTCOME_UNKNOWN,
    MSG_TIMEOUT,
    PERMANENT,
    TRANSIENT,
    XeroError,
    parse_error,
)

logger = logging.getLogger(__name__)

WRITE_METHODS = {"POST", "PUT", "PATCH"}
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 30.0
# A longer Retry-After (the day limit) is not slept through: the worker is given back and
# the caller's retry state (not-before) takes over, using XeroError.retry_after.
MAX_INLINE_WAIT_SECONDS = 60.0
# Spec components.parameters.idempotencyKey: "128 character max."
MAX_IDEMPOTENCY_KEY_CHARS = 128
SECRET_KEYS = {"access_token", "refresh_token", "id_token", "client_secret", "code", "token"}
MSG_BAD_URL = "The Xero URL {url} is not valid; check the XERO_*_URL settings."
MSG_NOT_JSON = "Xero answered HTTP {status} with a body that is not JSON."

# requests' timeout: seconds for the whole answer, or (connect, read) seconds.
Timeout = float | tuple[float, float]
# Basic auth for the identity endpoints: (client id, secret), or requests' own object.
Auth = tuple[str, str] | requests.auth.HTTPBasicAuth | None

# Patched by tests to record waits instead of sleeping.
sleep = time.sleep


@dataclass(frozen=True)
class XeroResponse:
    status: int
    json: Any
    headers: Mapping[str, str]
    correlation_id: str


@dataclass
class _Call:
    """One logical call; every attempt shares its correlation id and idempotency key."""

    connection: XeroConnection | None
    method: str
    url: str
    operation: str
    json: Any = None
    params: Mapping[str, Any] | None = None
    data: Any = None  # a form: a dict, or an urlencoded string
    headers: Mapping[str, str] | None = None
    auth: Auth = None
    idempotency_key: str | None = None
    outlet: Outlet | None = None
    merchant: Merchant | None = None
    documents: list | None = None
    access_token: str | None = None
    replay_safe: bool = False
    timeout: Timeout = field(default_factory=lambda: settings.XERO_TIMEOUT_SECONDS)
    max_wait: float = MAX_INLINE_WAIT_SECONDS
    ok_statuses: Collection[int] = ()
    correlation_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    tenant_id: str | None = None

    @property
    def is_write(self) -> bool:
        return self.method in WRITE_METHODS

    @property
    def resend_is_safe(self) -> bool:
        return not self.is_write or self.replay_safe

    @property
    def outcome_can_be_unknown(self) -> bool:
        """A lost answer to this call leaves the caller something to look up in Xero.

        A write may have been stored although no answer came; one the caller declared
        replay-safe cannot store anything twice, so there is nothing to look up.
        """
        return self.is_write and not self.replay_safe


def send(
    *,
    connection: XeroConnection | None = None,
    method: str,
    url: str,
    operation: str,
    json: Any = None,
    params: Mapping[str, Any] | None = None,
    data: Any = None,
    headers: Mapping[str, str] | None = None,
    auth: Auth = None,
    idempotency_key: str | None = None,
    outlet: Outlet | None = None,
    merchant: Merchant | None = None,
    documents: list | None = None,
    access_token: str | None = None,
    replay_safe: bool = False,
    timeout: Timeout | None = None,
    attempts: int | None = None,
    max_wait: float | None = None,
    ok_statuses: Collection[int] = (),
) -> XeroResponse:
    """Call Xero once, logically: retries transient failures when resending is safe.

    `connection` is the call's owner in the log; for Accounting API URLs it also gives
    the xero-tenant-id header and the tenant's rate limits. `access_token=` is sent as
    the bearer token (the caller gets it: send never fetches tokens). Identity endpoints
    take `auth=` (Basic auth with the client credentials) instead, and `merchant=` names
    the owner when there is no connection yet.
    `replay_safe=True` is the caller's word that sending the request again cannot store
    anything twice (a refresh within Xero's 30-minute grace period, notes §1): it may be
    resent, and a lost answer is not `outcome_unknown`.
    `timeout=`: seconds, or (connect, read) seconds; default XERO_TIMEOUT_SECONDS.
    `attempts=`: how many tries at most; default 1 + XERO_MAX_RETRIES. 1 never resends.
    `max_wait=`: the longest sleep between attempts; a longer Retry-After ends the call
    with a transient XeroError carrying `retry_after`. Default MAX_INLINE_WAIT_SECONDS.
    `ok_statuses=`: non-2xx statuses that are an answer, not an error (404 to a DELETE).
    Raises XeroError.
    """
    call = _Call(
        connection=connection,
        method=method.upper(),
        url=url,
        operation=operation,
        json=json,
        params=params,
        data=data,
        headers=headers,
        auth=auth,
        idempotency_key=idempotency_key,
        outlet=outlet,
        merchant=merchant,
        documents=documents,
        access_token=access_token,
        replay_safe=replay_safe,
        timeout=settings.XERO_TIMEOUT_SECONDS if timeout is None else timeout,
        max_wait=MAX_INLINE_WAIT_SECONDS if max_wait is None else max_wait,
        ok_statuses=frozenset(ok_statuses),
        tenant_id=_tenant_id(connection, url),
    )
    _check_idempotency_key(idempotency_key)
    return _send_with_retries(call, attempts=_attempts(attempts))


def redact(value: Any) -> Any:
    """A copy of a form or JSON value with token and secret values replaced, for logging."""
    if isinstance(value, Mapping):
        return {k: REDACTED if _is_secret(k) else redact(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(v) for v in value]
    return value


def _is_secret(key: object) -> bool:
    return str(key).lower() in SECRET_KEYS


def _attempts(attempts: int | None) -> int:
    if attempts is None:
        return 1 + settings.XERO_MAX_RETRIES
    if attempts < 1:
        raise ValueError("A call makes at least one attempt.")
    return attempts


def _send_with_retries(call: _Call, *, attempts: int) -> XeroResponse:
    maybe_stored = False
    headers = _headers(call)
    for attempt in range(1, attempts + 1):
        try:
            slot_id = _acquire_slot(call)  # a limiter wait that ran out is final
        except XeroError as error:
            # An earlier attempt may have been stored: that must not be forgotten here.
            raise _final_error(call, error, maybe_stored) from None
        try:
            return _attempt(call, attempt, headers)
        except XeroError as error:
            maybe_stored = maybe_stored or error.outcome_unknown
            wait = _retry_wait(call, error, attempt, attempts)
            if wait is None:
                raise _final_error(call, error, maybe_stored)
        finally:
            _release_slot(slot_id)
        logger.info(
            "xero %s: retrying in %.2f s (correlation %s)",
            call.operation,
            wait,
            call.correlation_id,
            extra=_log_ids(call, attempt),
        )
        sleep(wait)
    raise AssertionError("unreachable: the last attempt returns or raises")


def _attempt(call: _Call, attempt: int, headers: dict[str, str]) -> XeroResponse:
    log, started = _start_log(call, attempt)
    try:
        response = _result(call, _http(call, headers))
    except XeroError as error:
        _scrub_error(call, error)  # its message may reach a log line or a database row
        calllog.close_row(log, started, status=error.status, error=error.message)
        logger.warning(
            "xero %s failed: %s, HTTP %s (correlation %s)",
            call.operation,
            error.kind,
            error.status,
            call.correlation_id,
            extra=_log_ids(call, attempt, http_status=error.status, error_kind=error.kind),
        )
        raise
    except Exception as exc:
        # A bug of ours (or the database), not Xero's answer: close the row, keep the trace.
        calllog.close_row(log, started, status=None, error=type(exc).__name__)
        raise
    calllog.close_row(log, started, status=response.status)
    logger.info(
        "xero %s: HTTP %s (correlation %s)",
        call.operation,
        response.status,
        call.correlation_id,
        extra=_log_ids(call, attempt, http_status=response.status),
    )
    return response


def _log_ids(call: _Call, attempt: int, **more: Any) -> dict[str, Any]:
    """What a log line is about, as fields (LOG_FORMAT=json writes them out): the merchant,
    outlet, export documents (their numbers), batch (the request's Idempotency-Key, the
    same on every retry of the batch) and the call's correlation id (its SyncLog rows)."""
    return {
        "operation": call.operation,
        "merchant_id": _merchant_id(call),
        "outlet_id": call.outlet.pk if call.outlet is not None else None,
        "documents": call.documents or [],
        "batch": call.idempotency_key,
        "correlation_id": call.correlation_id,
        "attempt": attempt,
        **more,
    }


def _http(call: _Call, headers: dict[str, str]) -> requests.Response:
    body = call.data
    if call.json is not None:
        # use_decimal: Decimal amounts go out as JSON numbers with their exact digits, never
        # through float (Xero-Java#132: float conversion shifted amounts by a cent).
        body = simplejson.dumps(call.json, use_decimal=True).encode("utf-8")
    try:
        return requests.request(
            call.method,
            call.url,
            params=call.params,
            data=body,
            headers=headers,
            auth=call.auth,
            timeout=call.timeout,
            # A redirected PUT would silently become a GET in requests: never follow.
            allow_redirects=False,
        )
    except (
        requests.exceptions.InvalidURL,
        requests.exceptions.MissingSchema,
        requests.exceptions.InvalidSchema,
    ) as exc:
        raise XeroError(MSG_BAD_URL.format(url=call.url), kind=CONFIG) from exc
    except requests.RequestException as exc:
        raise _network_error(call, exc) from exc


def _result(call: _Call, response: requests.Response) -> XeroResponse:
    if call.tenant_id:
        ratelimit.note_response(
            call.tenant_id, status=response.status_code, headers=response.headers
        )
    text = response.content.decode("utf-8", errors="replace")
    if not _is_answer(call, response.status_code):
        raise _http_error(call, response.status_code, text, response.headers)
    return XeroResponse(
        status=response.status_code,
        json=_json(call, response.status_code, text),
        headers=response.headers,
        correlation_id=call.correlation_id,
    )


def _is_answer(call: _Call, status: int) -> bool:
    return 200 <= status < 300 or status == 304 or status in call.ok_statuses


def _json(call: _Call, status: int, text: str) -> Any:
    if not text.strip():
        return None  # 204, and 304 Not Modified for If-Modified-Since
    try:
        return simplejson.loads(text, use_decimal=True)  # amounts stay Decimal, never float
    except ValueError:
        if status in call.ok_statuses:
            return None  # an expected refusal (404) may come as a gateway's HTML page
        message = MSG_NOT_JSON.format(status=status)
        # A write answered with garbage may still have been stored.
        unknown = call.outcome_can_be_unknown
        raise XeroError(message, kind=PERMANENT, status=status, outcome_unknown=unknown) from None


def _http_error(
    call: _Call, status: int, text: str, headers: Mapping[str, str] | None
) -> XeroError:
    error = parse_error(status, text, headers)
    # A 5xx to a write may come after Xero stored part of it (a 504 from the gateway
    # certainly can); only a 429 is known to have been refused before processing.
    error.outcome_unknown = call.outcome_can_be_unknown and status >= 500
    return error


def _network_error(call: _Call, exc: requests.RequestException) -> XeroError:
    if isinstance(exc, requests.Timeout):
        message = MSG_TIMEOUT.format(seconds=_read_timeout(call.timeout))
    else:
        message = MSG_CONNECTION.format(details=type(exc).__name__)
    unknown = call.outcome_can_be_unknown and _request_may_have_been_sent(exc)
    return XeroError(message, kind=TRANSIENT, outcome_unknown=unknown)


def _read_timeout(timeout: Timeout) -> float:
    # The read timeout is the wait for Xero's answer, which is what the message is about.
    return timeout[-1] if isinstance(timeout, tuple) else timeout


def _request_may_have_been_sent(exc: requests.RequestException) -> bool:
    """False only when the connection was never made, so Xero cannot have seen the request."""
    if isinstance(exc, requests.ConnectTimeout):
        return False
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return not isinstance(reason, NewConnectionError)


def _retry_wait(call: _Call, error: XeroError, attempt: int, attempts: int) -> float | None:
    """Seconds to wait before the next attempt, or None to give up now."""
    if attempt >= attempts or error.kind != TRANSIENT:
        return None
    if error.outcome_unknown and not call.resend_is_safe:
        return None  # never resend a write blindly: it may already be in Xero
    if error.status == 429 and error.retry_after is not None:
        return error.retry_after if error.retry_after <= call.max_wait else None
    return min(backoff_seconds(attempt), call.max_wait)


def backoff_seconds(attempt: int) -> float:
    """Exponential backoff with full jitter (a random wait up to base * 2^(attempt-1), capped)."""
    return random.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (attempt - 1)))


def _final_error(call: _Call, error: XeroError, maybe_stored: bool) -> XeroError:
    if not (maybe_stored and call.outcome_can_be_unknown):
        return error
    if error.kind != TRANSIENT:
        error.outcome_unknown = True  # e.g. a refusal after a lost answer: still unknown
        return error
    details = error.message.rstrip(".")
    return XeroError(
        MSG_OUTCOME_UNKNOWN.format(operation=call.operation, details=details),
        kind=TRANSIENT,
        status=error.status,
        retry_after=error.retry_after,
        outcome_unknown=True,
    )


def _headers(call: _Call) -> dict[str, str]:
    headers = {"Accept": "application/json", "X-Correlation-Id": call.correlation_id}
    if call.json is not None:
        headers["Content-Type"] = "application/json"
    if call.idempotency_key:
        headers["Idempotency-Key"] = call.idempotency_key
    if call.tenant_id:
        headers["xero-tenant-id"] = call.tenant_id  # spec requiredHeader on every Accounting call
    headers.update(call.headers or {})
    if call.access_token and call.auth is None and "Authorization" not in headers:
        headers["Authorization"] = f"Bearer {call.access_token}"
    return headers


def _tenant_id(connection: XeroConnection | None, url: str) -> str | None:
    """The tenant of an Accounting API call; identity calls (/connections, token) have none."""
    if connection is None or not url.startswith(settings.XERO_API_URL.rstrip("/") + "/"):
        return None
    if not connection.tenant_id:
        raise XeroError(MSG_NO_TENANT, kind=CONFIG)
    return connection.tenant_id


def _check_idempotency_key(key: str | None) -> None:
    if key is not None and not 0 < len(key) <= MAX_IDEMPOTENCY_KEY_CHARS:
        raise ValueError(f"An Idempotency-Key has 1 to {MAX_IDEMPOTENCY_KEY_CHARS} characters.")


def _acquire_slot(call: _Call) -> int | None:
    return ratelimit.acquire(call.tenant_id) if call.tenant_id else None


def _release_slot(slot_id: int | None) -> None:
    if slot_id is not None:
        ratelimit.release(slot_id)


# ---- the log row: written before the attempt, completed after it (STYLE.md §4) -------------


def _start_log(call: _Call, attempt: int) -> tuple[SyncLog, float]:
    return calllog.open_row(
        operation=call.operation,
        method=call.method,
        url=_scrub(call, _loggable_url(call.url, call.params)),
        correlation_id=call.correlation_id,
        attempt=attempt,
        merchant_id=_merchant_id(call),
        outlet=call.outlet,
        connection=call.connection,
        documents=call.documents or [],
    )


def _merchant_id(call: _Call) -> int | None:
    if call.merchant is not None:
        return call.merchant.pk
    owner = call.connection or call.outlet
    return owner.merchant_id if owner is not None else None


def _loggable_url(url: str, params: Mapping[str, Any] | None) -> str:
    """The URL with its query, secret values (an OAuth `code`, a token) replaced."""
    prepared = requests.PreparedRequest()
    try:
        prepared.prepare_url(url, params)
    except (requests.RequestException, ValueError):
        return url
    if prepared.url is None:  # prepare_url always sets it; its type allows None
        return url
    parts = urlsplit(prepared.url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = [(k, REDACTED if _is_secret(k) else v) for k, v in pairs]
    # Keep quotes, brackets and commas readable: the row is read by people (where=Name=="x").
    return urlunsplit(parts._replace(query=urlencode(query, safe='[]",=:()')))


def _scrub(call: _Call, text: str) -> str:
    """Remove every secret this call knows of from text bound for the database."""
    return calllog.redact(text, _secrets(call))


def _scrub_error(call: _Call, error: XeroError) -> None:
    # Xero may echo what it was sent (a refresh token in an error_description): the
    # caller logs and stores the error, so it must hold no secret either.
    error.message = _scrub(call, error.message)
    error.description = _scrub(call, error.description)
    error.args = (error.message,)


def _secrets(call: _Call) -> list[str]:
    values = [call.access_token, *_basic_auth_secrets(call.auth)]
    for body in (call.data, call.json):
        values += [str(v) for k, v in _form_pairs(body) if _is_secret(k)]
    auth_header = (call.headers or {}).get("Authorization", "")
    values += auth_header.split()[1:]
    return [v for v in values if v and len(v) >= 4]


def _basic_auth_secrets(auth: Auth) -> list[str]:
    """The client id and secret of Basic auth, and the base64 form they travel in."""
    if isinstance(auth, tuple):
        user, password = auth
    elif isinstance(auth, requests.auth.HTTPBasicAuth):
        user, password = _text(auth.username), _text(auth.password)
    else:
        return []
    encoded = base64.b64encode(f"{user}:{password}".encode()).decode()
    return [user, password, encoded]


def _text(credential: str | bytes) -> str:
    # HTTPBasicAuth also takes bytes, which requests sends as they are (latin-1 for str);
    # as bytes they would be redacted as "b'…'" or break str.replace in calllog.redact.
    return credential.decode("latin-1") if isinstance(credential, bytes) else credential


def _form_pairs(body: Any) -> list[tuple[Any, Any]]:
    """A body's top-level (name, value) pairs: a dict, or an urlencoded form string."""
    if isinstance(body, Mapping):
        return list(body.items())
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    if isinstance(body, str):
        return parse_qsl(body, keep_blank_values=True)
    return []
