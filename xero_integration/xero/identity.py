"""Xero's identity endpoints: authorise URL, token exchange, refresh, revocation, connections.

Follows xero-api-notes §1 and xero-identity.yaml. The token endpoint takes the client
secret as HTTP Basic auth; refresh tokens rotate, and a lost refresh answer may be
retried with the same old token for 30 minutes (the grace period).

Every call has a timeout and leaves a SyncLog row, written before the call and completed
after it. Tokens, codes and the client secret never reach a row or a log line.
"""

import base64
import json
import logging
import os
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from django.conf import settings
from oauthlib.oauth2 import OAuth2Error
from requests.auth import HTTPBasicAuth
from requests_oauthlib import OAuth2Session

from . import calllog
from .errors import (
    CONFIG,
    MSG_CONNECTION,
    MSG_TIMEOUT,
    PERMANENT,
    TRANSIENT,
    InvalidGrant,
    XeroError,
    parse_error,
)

__all__ = [
    "InvalidGrant",
    "TokenSet",
    "auth_event_id",
    "authorize_url",
    "delete_connection",
    "exchange_code",
    "list_connections",
    "refresh",
    "revoke",
]

logger = logging.getLogger(__name__)

# requests-oauthlib logs token request bodies and token responses at DEBUG level; keep
# those loggers at INFO so turning on debug logging never writes a token or a code.
for _name in ("requests_oauthlib", "oauthlib"):
    logging.getLogger(_name).setLevel(logging.INFO)

MSG_UNUSABLE_TOKEN_RESPONSE = "Xero's token response could not be used ({details})."
MSG_NO_REFRESH_TOKEN = (
    "Xero returned no refresh token; add offline_access to XERO_SCOPES and connect again."
)
MSG_UNREADABLE_CONNECTIONS = "Xero's list of connections could not be read (not a JSON list)."
REFRESH_CONNECT_TIMEOUT, REFRESH_READ_TIMEOUT = 3.0, 6.0
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class TokenSet:
    """One user grant's tokens. Xero tokens belong to the grant, not to a tenant."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: int
    scope: str
    id_token: str = field(default="", repr=False)


def authorize_url(*, state: str) -> str:
    """The login.xero.com URL that starts the authorisation-code flow."""
    _allow_loopback_http(settings.XERO_AUTHORIZE_URL)
    session = OAuth2Session(
        settings.XERO_CLIENT_ID,
        redirect_uri=settings.XERO_REDIRECT_URI,
        scope=list(settings.XERO_SCOPES),
    )
    url, _ = session.authorization_url(settings.XERO_AUTHORIZE_URL, state=state)
    return url


def exchange_code(*, code: str, merchant=None) -> TokenSet:
    """Exchange an authorisation code. Not retried: a code may be exchanged only once."""
    with _sync_log(
        "oauth.token_exchange", "POST", settings.XERO_TOKEN_URL, merchant=merchant, secrets=[code]
    ) as call:
        token_set = _token_set(
            _token_call(
                call,
                lambda session: session.fetch_token(
                    settings.XERO_TOKEN_URL,
                    code=code,
                    auth=_client_auth(),
                    timeout=call.timeout,
                ),
            )
        )
        # Xero issues a refresh token only for the offline_access scope (notes §1).
        if not token_set.refresh_token:
            raise XeroError(MSG_NO_REFRESH_TOKEN, kind=CONFIG, status=call.status)
        return token_set


def refresh(*, refresh_token: str, connection) -> TokenSet:
    """Refresh a grant's tokens, retrying once if the answer may have been lost.

    A refresh that timed out or got a 5xx may have rotated the token at Xero anyway; the
    old refresh token stays usable for a 30-minute grace period (notes §1), so one retry
    with the SAME token is safe. More would only hammer a failing Xero: the caller's
    next attempt (still inside the grace period) is the further retry.
    """
    try:
        return _refresh_once(refresh_token, connection, attempt=1)
    except XeroError as exc:
        if exc.kind != TRANSIENT:
            raise
    return _refresh_once(refresh_token, connection, attempt=2)


def revoke(*, refresh_token: str, connection) -> None:
    """Revoke a grant: Xero drops its refresh token and every connection it made."""
    url = settings.XERO_REVOKE_URL
    with _sync_log(
        "oauth.revoke", "POST", url, connection=connection, secrets=[refresh_token]
    ) as call:
        _http(
            call,
            "POST",
            url,
            data={"token": refresh_token, "token_type_hint": "refresh_token"},
            auth=_client_auth(),
        )


def list_connections(*, access_token: str, merchant=None, auth_event_id: str = "") -> list[dict]:
    """The tenants this grant may reach, limited to one authorisation if its id is known.

    Xero redirects back without saying which tenants were chosen; `authEventId` is what
    ties connections to one authorisation (notes §9, "Tenant selection").
    """
    params = {"authEventId": auth_event_id} if auth_event_id else {}
    url = settings.XERO_CONNECTIONS_URL
    log_url = f"{url}?authEventId={auth_event_id}" if auth_event_id else url
    with _sync_log(
        "connections.list", "GET", log_url, merchant=merchant, secrets=[access_token]
    ) as call:
        rows = _json(_http(call, "GET", url, params=params, token=access_token))
        if not isinstance(rows, list):
            raise XeroError(MSG_UNREADABLE_CONNECTIONS, kind=PERMANENT, status=call.status)
    rows = [r for r in rows if isinstance(r, dict) and r.get("tenantId")]
    if auth_event_id:
        rows = [r for r in rows if r.get("authEventId") in (None, auth_event_id)]
    return rows


def delete_connection(*, access_token: str, connection) -> bool:
    """Disconnect one tenant (by Xero's connection id). False if Xero had no such connection."""
    url = f"{settings.XERO_CONNECTIONS_URL}/{connection.xero_connection_id}"
    with _sync_log(
        "connections.delete", "DELETE", url, connection=connection, secrets=[access_token]
    ) as call:
        # 404 means it is already gone (deleted in Xero's own settings, or revoked).
        response = _http(call, "DELETE", url, token=access_token, ok_statuses=(404,))
        return response.status_code != 404


def auth_event_id(tokens: TokenSet) -> str:
    """The `authentication_event_id` claim of Xero's access token (or id token), if any.

    Read without verifying the signature: it only narrows the /connections query, which
    Xero itself authorises with the same token, so a forged claim could gain nothing.
    """
    for jwt in (tokens.access_token, tokens.id_token):
        value = _unverified_claims(jwt).get("authentication_event_id")
        if value:
            return str(value)
    return ""


# ---- calls --------------------------------------------------------------------------------


def _refresh_once(refresh_token: str, connection, *, attempt: int) -> TokenSet:
    with _sync_log(
        "oauth.refresh",
        "POST",
        settings.XERO_TOKEN_URL,
        connection=connection,
        attempt=attempt,
        secrets=[refresh_token],
    ) as call:
        call.timeout = _refresh_timeout()
        # No scope is sent: a refresh asking for other scopes gets invalid_grant (pyxero#296).
        return _token_set(
            _token_call(
                call,
                lambda session: session.refresh_token(
                    settings.XERO_TOKEN_URL,
                    refresh_token=refresh_token,
                    auth=_client_auth(),
                    timeout=call.timeout,
                ),
            )
        )


def _token_call(call, request_token) -> dict:
    """Run a token-endpoint request through OAuth2Session, classifying every failure."""
    _allow_loopback_http(settings.XERO_TOKEN_URL)
    session = OAuth2Session(settings.XERO_CLIENT_ID, redirect_uri=settings.XERO_REDIRECT_URI)
    # The hook sees the raw answer before oauthlib parses it: that is where the HTTP
    # status is still known, so errors are classified there, once.
    session.register_compliance_hook("access_token_response", call.check)
    session.register_compliance_hook("refresh_token_response", call.check)
    try:
        return request_token(session)
    except requests.RequestException as exc:
        raise _unreachable(exc, call) from None
    except (OAuth2Error, Warning) as exc:
        details = getattr(exc, "error", None) or type(exc).__name__
        message = MSG_UNUSABLE_TOKEN_RESPONSE.format(details=details)
        raise XeroError(message, kind=PERMANENT, status=call.status) from None


def _http(call, method, url, *, token="", ok_statuses=(), **kwargs) -> requests.Response:
    _allow_loopback_http(url)
    session = OAuth2Session(settings.XERO_CLIENT_ID, token=_bearer(token) if token else None)
    try:
        response = session.request(
            method, url, timeout=call.timeout, withhold_token=not token, **kwargs
        )
    except requests.RequestException as exc:
        raise _unreachable(exc, call) from None
    if response.status_code in ok_statuses:
        call.status = response.status_code
        return response
    return call.check(response)


def _refresh_timeout() -> tuple[float, float]:
    # A refresh runs while tokens.py holds the connection's lock (on SQLite, the database
    # write lock, which other writers wait 20 s for). Two attempts of at most 3 s to
    # connect plus 6 s to answer stay under that; a healthy refresh takes well under 1 s.
    cap = settings.XERO_TIMEOUT_SECONDS
    return (min(cap, REFRESH_CONNECT_TIMEOUT), min(cap, REFRESH_READ_TIMEOUT))


def _unreachable(exc: requests.RequestException, call) -> XeroError:
    # Only the exception's type is kept: its text may quote the request.
    if isinstance(exc, requests.Timeout):
        seconds = call.timeout[-1] if isinstance(call.timeout, tuple) else call.timeout
        message = MSG_TIMEOUT.format(seconds=seconds)
    else:
        message = MSG_CONNECTION.format(details=type(exc).__name__)
    return XeroError(message, kind=TRANSIENT)


class _Call:
    """One identity call: its timeout, the HTTP status it got, the secrets to keep out of logs."""

    def __init__(self, secrets):
        self.status = None
        self.timeout = settings.XERO_TIMEOUT_SECONDS
        self.secrets = [s for s in secrets if s]

    def check(self, response: requests.Response) -> requests.Response:
        self.status = response.status_code
        if response.ok:
            return response
        raise parse_error(response.status_code, response.text, response.headers)


@contextmanager
def _sync_log(operation, method, url, *, merchant=None, connection=None, attempt=1, secrets=()):
    merchant_id = merchant.pk if merchant is not None else getattr(connection, "merchant_id", None)
    row, started = calllog.open_row(
        operation=operation,
        method=method,
        url=url,
        correlation_id=uuid.uuid4().hex,
        attempt=attempt,
        merchant_id=merchant_id,
        connection=connection,
    )
    call = _Call(secrets)
    try:
        yield call
    except XeroError as exc:
        exc.message = calllog.redact(exc.message, call.secrets)
        exc.args = (exc.message,)
        calllog.close_row(row, started, status=call.status, error=exc.message)
        logger.warning("Xero %s failed [%s]: %s", operation, row.correlation_id, exc.message)
        raise
    except Exception as exc:
        # A bug of ours, not Xero's answer: close the row rather than leave it "started".
        calllog.close_row(row, started, status=call.status, error=type(exc).__name__)
        raise
    calllog.close_row(row, started, status=call.status)


# ---- small helpers ------------------------------------------------------------------------


def _client_auth() -> HTTPBasicAuth:
    # Xero takes the client credentials as HTTP Basic on the token and revocation endpoints.
    return HTTPBasicAuth(settings.XERO_CLIENT_ID, settings.XERO_CLIENT_SECRET)


def _bearer(access_token: str) -> dict:
    return {"access_token": access_token, "token_type": "Bearer"}


def _token_set(token: dict) -> TokenSet:
    scope = token.get("scope") or ""
    return TokenSet(
        access_token=token["access_token"],
        refresh_token=token.get("refresh_token") or "",
        expires_in=int(token.get("expires_in") or 1800),
        # oauthlib turns the granted scope string into a list.
        scope=" ".join(scope) if isinstance(scope, (list, tuple)) else str(scope),
        id_token=token.get("id_token") or "",
    )


def _json(response: requests.Response):
    try:
        return response.json()
    except ValueError:
        return None


def _unverified_claims(jwt: str) -> dict:
    parts = (jwt or "").split(".")
    if len(parts) != 3:
        return {}
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:  # also covers binascii.Error and UnicodeDecodeError
        return {}
    return claims if isinstance(claims, dict) else {}


def _allow_loopback_http(url: str) -> None:
    # oauthlib refuses plain http (InsecureTransportError) unless this variable is set.
    # The sandbox Xero listens on http://127.0.0.1, so allow it for loopback URLs only;
    # real Xero URLs are https and never need it.
    if urlsplit(url).scheme == "http" and urlsplit(url).hostname in LOOPBACK_HOSTS:
        os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
