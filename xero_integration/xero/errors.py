"""The one exception Xero calls raise, and the parser that turns Xero's error bodies into it.

Callers branch on `XeroError.kind`, never on HTTP status codes (STYLE.md §3):
- transient: try again later (429, 5xx, timeouts, lost connections, rate-limit waits);
- permanent: Xero rejected the request itself (validation); resending it unchanged fails again;
- auth:      the merchant must reconnect (401/403, invalid_grant);
- config:    our own setup is wrong (missing URL or tenant, bad client credentials).
"""

import datetime
import email.utils
import re
from collections.abc import Mapping
from typing import Any

import simplejson
from django.utils import timezone

TRANSIENT = "transient"
PERMANENT = "permanent"
AUTH = "auth"
CONFIG = "config"
KINDS = (TRANSIENT, PERMANENT, AUTH, CONFIG)

# Message templates, kept as constants so tests assert the exact text (STYLE.md §7).
MSG_VALIDATION = "Xero rejected the request: {details}"
MSG_REJECTED = "Xero rejected the request (HTTP {status}): {details}"
MSG_RATE_LIMITED = "Xero's {problem} rate limit was reached; try again in {seconds} seconds."
MSG_RATE_LIMITED_NO_WAIT = "Xero's {problem} rate limit was reached; try again shortly."
MSG_UNAVAILABLE = "Xero is unavailable (HTTP {status}): {details} Try again later."
MSG_AUTH = (
    "Xero refused the connection's authorisation ({details}); reconnect the Xero organisation."
)
MSG_INVALID_GRANT = (
    "Xero no longer accepts this connection's refresh token ({details}); "
    "reconnect the Xero organisation."
)
MSG_CLIENT_CONFIG = (
    "Xero rejected this app's credentials or scopes ({details}); "
    "check XERO_CLIENT_ID, XERO_CLIENT_SECRET and XERO_SCOPES."
)
MSG_TIMEOUT = "Xero did not answer within {seconds} seconds."
MSG_CONNECTION = "Could not reach Xero ({details})."
MSG_OUTCOME_UNKNOWN = (
    "Xero may have stored the {operation} call although it failed ({details}); "
    "look the documents up in Xero before sending them again."
)
MSG_RATE_LIMIT_WAIT_EXCEEDED = (
    "Rate limit wait exceeded: Xero organisation {tenant_id} has no free call slot for "
    "another {seconds} seconds; try again later."
)
MSG_NO_TENANT = "The Xero connection has no tenant id; reconnect the Xero organisation."
MSG_NOT_CONFIGURED = "Setting {name} is empty; set it to call Xero."
MSG_NO_DETAILS = "no details given"

# OAuth errors that reconnecting will not fix: our client id, secret or scopes are wrong
# (notes §1 "Error codes": invalid_client, unauthorized_client, invalid_scope).
CLIENT_CONFIG_ERRORS = {"invalid_client", "unauthorized_client", "invalid_scope"}
INVALID_GRANT = "invalid_grant"
MAX_DETAIL_CHARS = 500


class XeroError(Exception):
    """A failed Xero call: what kind of failure, and a sentence a person can act on."""

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        status: int | None = None,
        validation_errors: list[str] | None = None,
        retry_after: float | None = None,
        outcome_unknown: bool = False,
        error_code: str = "",
        description: str = "",
        rate_limited: bool = False,
    ):
        assert kind in KINDS, kind
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.status = status
        self.validation_errors = list(validation_errors or [])
        self.retry_after = retry_after
        # True when a write may have been stored although we got no answer: look Xero up
        # before resending (notes §3, "Consequence for exactly-once").
        self.outcome_unknown = outcome_unknown
        # The identity server's own words, for callers that must tell errors apart
        # beyond the kind: `error` ("invalid_grant") and `error_description` (RFC 6749 §5.2).
        self.error_code = error_code
        self.description = description
        # Xero's rate limit (429), or our own wait for it: the call never reached Xero's
        # handling, so it is no try of the work it carried (it must not count to giving up).
        self.rate_limited = rate_limited

    def __repr__(self) -> str:
        return f"XeroError(kind={self.kind!r}, status={self.status!r}, message={self.message!r})"


class InvalidGrant(XeroError):
    """Xero refused a code or refresh token (`invalid_grant`): only a reconnect helps.

    Raised by parse_error, so every caller sees the same classification (notes §1,
    "Error codes": a refused refresh answers HTTP 400 {"error": "invalid_grant"}).
    """

    def __init__(self, message: str, *, description: str = "", status: int | None = None):
        super().__init__(
            message, kind=AUTH, status=status, error_code=INVALID_GRANT, description=description
        )


def parse_error(status: int, body_text: str, headers: Mapping[str, str] | None) -> XeroError:
    """Classify a non-2xx answer from Xero and keep Xero's own words in the message."""
    body = _json_or_none(body_text)
    if isinstance(body, dict) and "error" in body:
        return _oauth_error(status, body)
    validation = validation_messages(body) if isinstance(body, dict) else []
    details = _details(body, body_text, validation)
    if status == 429:
        return _rate_limited(headers, details)
    if status >= 500:
        return XeroError(_unavailable(status, details), kind=TRANSIENT, status=status)
    if status in (401, 403):
        return XeroError(MSG_AUTH.format(details=details), kind=AUTH, status=status)
    template = MSG_VALIDATION if validation or status == 400 else MSG_REJECTED
    message = template.format(details=details, status=status)
    return XeroError(message, kind=PERMANENT, status=status, validation_errors=validation)


def validation_messages(body: dict) -> list[str]:
    """`ValidationErrors[].Message`, top level and inside each of `Elements` (spec Error schema)."""
    messages = _messages(body.get("ValidationErrors"))
    for element in body.get("Elements") or []:
        if isinstance(element, dict):
            messages += _messages(element.get("ValidationErrors"))
    return messages


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """Retry-After as seconds: Xero sends a number, but HTTP also allows a date."""
    value = (headers or {}).get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return _seconds_until_http_date(value)


def _oauth_error(status: int, body: dict[str, Any]) -> XeroError:
    # The identity server's shape: {"error": "invalid_grant", "error_description": "..."}.
    code = str(body.get("error"))
    description = str(body.get("error_description") or "")
    details = f"{code}: {description}" if description else code
    if code == INVALID_GRANT:
        message = MSG_INVALID_GRANT.format(details=details)
        return InvalidGrant(message, description=description, status=status)
    if code in CLIENT_CONFIG_ERRORS:
        kind, message = CONFIG, MSG_CLIENT_CONFIG.format(details=details)
    elif status in (400, 401, 403):
        kind, message = AUTH, MSG_INVALID_GRANT.format(details=details)
    else:
        kind, message = TRANSIENT, _unavailable(status, details)
    return XeroError(message, kind=kind, status=status, error_code=code, description=description)


def _rate_limited(headers: Mapping[str, str] | None, details: str) -> XeroError:
    # X-Rate-Limit-Problem names the limit ("minute", "day"; undocumented list, notes §2);
    # only the minute and day limits come with Retry-After.
    problem = (headers or {}).get("X-Rate-Limit-Problem") or "call"
    seconds = retry_after_seconds(headers)
    if seconds is None:
        message = MSG_RATE_LIMITED_NO_WAIT.format(problem=problem)
    else:
        message = MSG_RATE_LIMITED.format(problem=problem, seconds=_whole(seconds))
    return XeroError(message, kind=TRANSIENT, status=429, retry_after=seconds, rate_limited=True)


def _unavailable(status: int, details: str) -> str:
    return MSG_UNAVAILABLE.format(status=status, details=_sentence(details))


def _details(body: Any, body_text: str, validation: list[str]) -> str:
    if validation:
        return " ".join(_sentence(m) for m in validation)
    if isinstance(body, dict):
        for key in ("Message", "Detail", "Title", "message", "detail", "title"):
            if body.get(key):
                return _clip(str(body[key]))
    return _clip(_plain_text(body_text)) or MSG_NO_DETAILS


def _messages(errors: Any) -> list[str]:
    if not isinstance(errors, list):
        return []
    return [str(e["Message"]) for e in errors if isinstance(e, dict) and e.get("Message")]


def _json_or_none(text: str) -> Any:
    try:
        return simplejson.loads(text, use_decimal=True) if text else None
    except ValueError:
        return None


def _plain_text(text: str) -> str:
    # Gateways answer 502/503 with HTML pages: keep the words, drop the markup.
    without_tags = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", text or "", flags=re.S | re.I)
    return " ".join(without_tags.split())


def _clip(text: str) -> str:
    return text if len(text) <= MAX_DETAIL_CHARS else text[: MAX_DETAIL_CHARS - 1] + "…"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def _whole(seconds: float) -> float:
    return int(seconds) if float(seconds).is_integer() else round(seconds, 1)


def _seconds_until_http_date(value: str) -> float | None:
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return max(0.0, (moment - timezone.now()).total_seconds())
