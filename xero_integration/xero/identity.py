"""Xero's identity endpoints: authorise URL, token exchange, refresh, revocation, connections.

Follows xero-api-notes §1 and xero-identity.yaml. The token endpoint takes the client
secret as HTTP Basic auth; refresh tokens rotate, and a lost refresh answer may be
retried with the same old token for 30 minutes (the grace period).

oauthlib builds the authorise URL and the form bodies and checks the token answer; it
does no IO. The HTTP goes through transport.send like every other Xero call: one
timeout rule, one SyncLog row per attempt, one error classifier (errors.parse_error,
where `invalid_grant` becomes InvalidGrant). Tokens, codes and the client secret never
reach a row or a log line.
"""

import base64
import json
import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import simplejson
from django.conf import settings
from oauthlib.oauth2 import OAuth2Error, WebApplicationClient

from outlets.models import Merchant

from ..models import XeroConnection
from . import calllog
from .errors import CONFIG, PERMANENT, InvalidGrant, XeroError
from .transport import XeroResponse, send

__all__ = [
    "InvalidGrant",
    "TokenSet",
    "auth_event_id",
    "authorize_url",
    "delete_connection",
    "exchange_code",
    "list_connections",
    "new_code_verifier",
    "refresh",
    "revoke",
]

MSG_UNUSABLE_TOKEN_RESPONSE = "Xero's token response could not be used ({details})."
MSG_NO_REFRESH_TOKEN = (
    "Xero returned no refresh token; add offline_access to XERO_SCOPES and connect again."
)
MSG_UNREADABLE_CONNECTIONS = "Xero's list of connections could not be read (not a JSON list)."
REFRESH_CONNECT_TIMEOUT, REFRESH_READ_TIMEOUT = 3.0, 6.0
# The longest pause between the two refresh attempts: both must fit the lock budget
# described in _refresh_timeout, so a longer Retry-After is left to the caller.
REFRESH_MAX_WAIT_SECONDS = 1.0
# The token endpoint takes a form body (notes §1, "Token").
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
PKCE_METHOD = "S256"
PKCE_VERIFIER_LENGTH = 96


@dataclass(frozen=True)
class TokenSet:
    """One user grant's tokens. Xero tokens belong to the grant, not to a tenant."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: int
    scope: str
    id_token: str = field(default="", repr=False)


def new_code_verifier() -> str:
    """A PKCE code verifier: 43-128 characters of [A-Za-z0-9-._~] (notes §1, "PKCE")."""
    return _client().create_code_verifier(PKCE_VERIFIER_LENGTH)


def authorize_url(*, state: str, code_verifier: str) -> str:
    """The login.xero.com URL that starts the authorisation-code flow.

    With PKCE's S256 challenge (RFC 7636 §4.2), on top of the client secret: only the
    holder of the verifier can exchange the code (notes §1, "PKCE").
    """
    _allow_loopback_http(settings.XERO_AUTHORIZE_URL)
    client = _client()
    return client.prepare_request_uri(
        settings.XERO_AUTHORIZE_URL,
        redirect_uri=settings.XERO_REDIRECT_URI,
        scope=list(settings.XERO_SCOPES),
        state=state,
        code_challenge=client.create_code_challenge(code_verifier, PKCE_METHOD),
        code_challenge_method=PKCE_METHOD,
    )


def exchange_code(
    *, code: str, code_verifier: str = "", merchant: Merchant | None = None
) -> TokenSet:
    """Exchange an authorisation code. Not retried: a code may be exchanged only once."""
    # The client id travels in the Basic auth header, not the body (notes §1, "Token").
    body = _client().prepare_request_body(
        code=code,
        redirect_uri=settings.XERO_REDIRECT_URI,
        include_client_id=False,
        code_verifier=code_verifier or None,
    )
    response = send(
        merchant=merchant,
        method="POST",
        url=settings.XERO_TOKEN_URL,
        operation="oauth.token_exchange",
        data=body,
        headers=FORM_HEADERS,
        auth=_client_auth(),
        # A code "may only be exchanged once and expires 5 minutes after issuance"
        # (notes §1): a resend would only be refused, and it cannot store anything twice,
        # so a lost answer leaves nothing to look up, only a new authorisation.
        attempts=1,
        replay_safe=True,
    )
    token_set = _token_set(response)
    # Xero issues a refresh token only for the offline_access scope (notes §1).
    if not token_set.refresh_token:
        raise _unusable(response, MSG_NO_REFRESH_TOKEN, kind=CONFIG)
    return token_set


def refresh(*, refresh_token: str, connection: XeroConnection) -> TokenSet:
    """Refresh a grant's tokens, retrying once if the answer may have been lost.

    A refresh that timed out or got a 5xx may have rotated the token at Xero anyway; the
    old refresh token stays usable for a 30-minute grace period (notes §1), so one retry
    with the SAME token is safe. More would only hammer a failing Xero: the caller's
    next attempt (still inside the grace period) is the further retry.
    """
    # No scope is sent: a refresh asking for other scopes gets invalid_grant (pyxero#296).
    # The client has no default scope, so oauthlib adds none.
    body = _client().prepare_refresh_body(refresh_token=refresh_token)
    response = send(
        connection=connection,
        method="POST",
        url=settings.XERO_TOKEN_URL,
        operation="oauth.refresh",
        data=body,
        headers=FORM_HEADERS,
        auth=_client_auth(),
        timeout=_refresh_timeout(),
        attempts=2,
        max_wait=REFRESH_MAX_WAIT_SECONDS,
        replay_safe=True,  # the grace period: the same body may be sent again
    )
    return _token_set(response)


def revoke(*, refresh_token: str, connection: XeroConnection) -> None:
    """Revoke a grant: Xero drops its refresh token and every connection it made."""
    _allow_loopback_http(settings.XERO_REVOKE_URL)
    url, headers, body = _client().prepare_token_revocation_request(
        settings.XERO_REVOKE_URL, refresh_token, token_type_hint="refresh_token"
    )
    send(
        connection=connection,
        method="POST",
        url=url,
        operation="oauth.revoke",
        data=body,
        headers=headers,
        auth=_client_auth(),
        # One attempt: the caller records what Xero did not hear. Revoking twice changes
        # nothing (RFC 7009 §2.2: an invalid token is not an error), so nothing to look up.
        attempts=1,
        replay_safe=True,
    )


def list_connections(
    *, access_token: str, merchant: Merchant | None = None, auth_event_id: str = ""
) -> list[dict]:
    """The tenants this grant may reach, limited to one authorisation if its id is known.

    Xero redirects back without saying which tenants were chosen; `authEventId` is what
    ties connections to one authorisation (notes §9, "Tenant selection").
    """
    response = send(
        merchant=merchant,
        method="GET",
        url=settings.XERO_CONNECTIONS_URL,
        operation="connections.list",
        params={"authEventId": auth_event_id} if auth_event_id else None,
        access_token=access_token,
        attempts=1,  # the merchant's browser waits on this; a failure asks them to retry
    )
    if not isinstance(response.json, list):
        raise _unusable(response, MSG_UNREADABLE_CONNECTIONS, kind=PERMANENT)
    rows = [r for r in response.json if isinstance(r, dict) and r.get("tenantId")]
    if auth_event_id:
        rows = [r for r in rows if r.get("authEventId") in (None, auth_event_id)]
    return rows


def delete_connection(*, access_token: str, connection: XeroConnection) -> bool:
    """Disconnect one tenant (by Xero's connection id). False if Xero had no such connection."""
    return _delete_connection(access_token, connection.xero_connection_id, connection=connection)


def delete_unstored_connection(
    *, access_token: str, xero_connection_id: str, merchant: Merchant
) -> bool:
    """Disconnect a tenant Xero connected but we did not keep (the app may connect no
    more organisations), so Xero stops counting it against the app's limit."""
    return _delete_connection(access_token, xero_connection_id, merchant=merchant)


def _delete_connection(access_token: str, xero_connection_id: str, **owner: Any) -> bool:
    response = send(
        method="DELETE",
        url=f"{settings.XERO_CONNECTIONS_URL}/{xero_connection_id}",
        operation="connections.delete",
        access_token=access_token,
        attempts=1,  # the caller records what Xero did not hear
        # 404 means it is already gone (deleted in Xero's own settings, or revoked):
        # xero-identity.yaml deleteConnection.
        ok_statuses=(404,),
        **owner,
    )
    return response.status != 404


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


# ---- small helpers ------------------------------------------------------------------------


def _client() -> WebApplicationClient:
    # No default scope: authorize_url names the scopes, and a refresh must send none.
    return WebApplicationClient(settings.XERO_CLIENT_ID)


def _client_auth() -> tuple[str, str]:
    # Xero takes the client credentials as HTTP Basic on the token and revocation endpoints.
    return (settings.XERO_CLIENT_ID, settings.XERO_CLIENT_SECRET)


def _refresh_timeout() -> tuple[float, float]:
    # A refresh runs while tokens.py holds the connection's lock (on SQLite, the database
    # write lock, which other writers wait 20 s for). Two attempts of at most 3 s to
    # connect plus 6 s to answer, and at most REFRESH_MAX_WAIT_SECONDS between them, stay
    # under that; a healthy refresh takes well under 1 s.
    cap = settings.XERO_TIMEOUT_SECONDS
    return (min(cap, REFRESH_CONNECT_TIMEOUT), min(cap, REFRESH_READ_TIMEOUT))


def _token_set(response: XeroResponse) -> TokenSet:
    token = _token_answer(response)
    scope = token.get("scope") or ""
    return TokenSet(
        access_token=token["access_token"],
        refresh_token=token.get("refresh_token") or "",
        expires_in=int(token.get("expires_in") or 1800),
        # oauthlib turns the granted scope string into a list.
        scope=" ".join(scope) if isinstance(scope, (list, tuple)) else str(scope),
        id_token=token.get("id_token") or "",
    )


def _token_answer(response: XeroResponse) -> dict:
    """Xero's token answer as oauthlib checks it (RFC 6749 §5.1: an access token, and so on)."""
    body = response.json if isinstance(response.json, dict) else {}
    try:
        return _client().parse_request_body_response(simplejson.dumps(body))
    except (OAuth2Error, Warning, ValueError) as exc:
        details = getattr(exc, "error", None) or type(exc).__name__
        message = MSG_UNUSABLE_TOKEN_RESPONSE.format(details=details)
        raise _unusable(response, message, kind=PERMANENT) from None


def _unusable(response: XeroResponse, message: str, *, kind: str) -> XeroError:
    # Xero answered 2xx, so the call's row was closed as a success; the call failed all
    # the same, and whoever reads the sync log must see why.
    calllog.mark_failed(correlation_id=response.correlation_id, error=message)
    return XeroError(message, kind=kind, status=response.status)


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
    # oauthlib refuses plain http (InsecureTransportError) when it builds the authorise
    # URL or a revocation request, unless this variable is set. The sandbox Xero listens
    # on http://127.0.0.1, so allow it for loopback URLs only; real Xero URLs are https.
    if urlsplit(url).scheme == "http" and urlsplit(url).hostname in LOOPBACK_HOSTS:
        os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
