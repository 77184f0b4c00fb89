"""OAuth 2.0 authorisation-code flow, token rotation with a grace period, and connections.

Follows xero-api-notes §1: codes are single use and live 5 minutes; access tokens 30 minutes;
each refresh issues a new refresh token, and the old one may be retried for 30 minutes, getting
the same answer; after that (or once revoked) it is invalid_grant. A refresh that names
scopes other than the grant's is invalid_grant too (pyxero#296, notes §9).
"""

import base64
import binascii
import html as html_lib
import secrets
import time
import uuid
from datetime import UTC, datetime
from email.message import Message
from typing import Any
from urllib.parse import urlencode

from . import seed, wire
from .reply import Reply, forbidden, html, oauth_error, redirect, unauthorized
from .state import SandboxState
from .wire import JsonObject

# ---- authorise -------------------------------------------------------------------------------


def authorize(state: SandboxState, query: dict[str, str]) -> Reply:
    if query.get("client_id") != state.client_id:
        return html(400, "<h1>Invalid client</h1><p>Unknown client_id.</p>")
    if not query.get("redirect_uri"):
        return html(400, "<h1>Invalid request</h1><p>redirect_uri is required.</p>")
    if query.get("response_type") != "code":
        return _redirect_back(query, error="unsupported_response_type")
    decision = query.get("decision")
    if decision == "deny":
        return _redirect_back(query, error="access_denied")
    wants_consent = query.get("consent") == "1" or state.config["consent"]
    if wants_consent and decision != "allow":
        return _consent_page(query)
    with state.lock:
        code = _issue_code(state, query)
        state.save()
    return _redirect_back(query, code=code)


def _redirect_back(query: dict[str, str], **params: str) -> Reply:
    if query.get("state") is not None:
        params["state"] = query["state"]
    joiner = "&" if "?" in query["redirect_uri"] else "?"
    return redirect(query["redirect_uri"] + joiner + urlencode(params))


def _consent_page(query: dict[str, str]) -> Reply:
    hidden = "".join(
        f'<input type="hidden" name="{html_lib.escape(k)}" value="{html_lib.escape(v)}">'
        for k, v in query.items()
        if k not in ("decision", "consent")
    )
    return html(
        200,
        "<h1>Sandbox Xero</h1><p>Allow this app to access your organisation?</p>"
        f'<form method="get" action="/identity/connect/authorize">{hidden}'
        '<button name="decision" value="allow">Allow access</button> '
        '<button name="decision" value="deny">Cancel</button></form>',
    )


def _issue_code(state: SandboxState, query: dict[str, str]) -> str:
    data = state.data
    tenant_ids = _chosen_tenants(state, query.get("organisation"))
    auth_event_id = str(uuid.uuid4())
    for tenant_id in tenant_ids:
        _connect(data, tenant_id, auth_event_id)
    grant_id = str(uuid.uuid4())
    data["grants"][grant_id] = {
        "scope": query.get("scope", ""),
        "tenant_ids": tenant_ids,
        "auth_event_id": auth_event_id,
        "revoked": False,
    }
    code = secrets.token_urlsafe(32)
    data["codes"][code] = {
        "grant_id": grant_id,
        "redirect_uri": query["redirect_uri"],
        "expires_at": _later(state.config["code_seconds"]),
        "used": False,
    }
    return code


def _chosen_tenants(state: SandboxState, organisation: str | None) -> list[str]:
    """The organisations a person ticks on Xero's consent page: `organisation=2` (a sandbox
    query parameter standing in for the page's choice) picks the second demo organisation
    alone; without it, the first `orgs_per_authorisation` of them."""
    if organisation and organisation.isdigit() and int(organisation) > 0:
        return _ensure_tenants(state, int(organisation))[-1:]
    return _ensure_tenants(state, state.config["orgs_per_authorisation"])


def _ensure_tenants(state: SandboxState, count: int) -> list[str]:
    """The first `count` demo organisations, created on first use and reused afterwards."""
    order = state.data["tenant_order"]
    while len(order) < count:
        tenant_id = str(uuid.uuid4())
        name = "Demo Company (AU)" if not order else f"Demo Company {len(order) + 1} (AU)"
        state.data["tenants"][tenant_id] = seed.new_tenant(tenant_id, name)
        order.append(tenant_id)
    return order[:count]


def _connect(data: JsonObject, tenant_id: str, auth_event_id: str) -> None:
    """One connection per tenant for this app; reconnecting revives it with a new updatedDateUtc."""
    now = _iso_now()
    for connection in data["connections"].values():
        if connection["tenantId"] == tenant_id:
            connection.update(authEventId=auth_event_id, updatedDateUtc=now, active=True)
            return
    connection_id = str(uuid.uuid4())
    name = data["tenants"][tenant_id]["organisation"]["Name"]
    data["connections"][connection_id] = {
        "id": connection_id,
        "authEventId": auth_event_id,
        "tenantId": tenant_id,
        "tenantType": "ORGANISATION",
        "tenantName": name,
        "createdDateUtc": now,
        "updatedDateUtc": now,
        "active": True,
    }


def _later(seconds: int) -> int:
    """Times are kept as integer epoch milliseconds so the JSON snapshot holds no floats."""
    return wire.now_ms() + seconds * 1000


def _iso_now() -> str:
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


# ---- token endpoint --------------------------------------------------------------------------


def token(state: SandboxState, headers: Message, form: dict[str, str]) -> Reply:
    if not _client_ok(state, headers, form):
        return oauth_error("invalid_client", status=401)
    grant_type = form.get("grant_type")
    with state.lock:
        state.data["token_endpoint_calls"] += 1
        if grant_type == "authorization_code":
            reply = _exchange_code(state, form)
        elif grant_type == "refresh_token":
            state.data["token_refresh_count"] += 1
            reply = _refresh(state, form.get("refresh_token"), form.get("scope"))
        else:
            reply = oauth_error("unsupported_grant_type")
        state.save()
    return reply


def _client_ok(state: SandboxState, headers: Message, form: dict[str, str]) -> bool:
    """Client secret via HTTP Basic (what Xero documents) or, leniently, in the form body."""
    client_id, secret = form.get("client_id"), form.get("client_secret")
    auth = headers.get("Authorization", "")
    if auth.startswith("Basic "):
        try:
            client_id, _, secret = base64.b64decode(auth[6:]).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
    return client_id == state.client_id and secret == state.client_secret


def _exchange_code(state: SandboxState, form: dict[str, str]) -> Reply:
    record = state.data["codes"].get(form.get("code") or "")
    if record is None or record["used"] or record["expires_at"] < wire.now_ms():
        return oauth_error("invalid_grant")
    if record["redirect_uri"] != form.get("redirect_uri"):
        return oauth_error("invalid_grant", description="redirect_uri does not match")
    record["used"] = True
    return Reply(body=_issue_pair(state, record["grant_id"]))


def _refresh(state: SandboxState, refresh_token: str | None, scope: str | None) -> Reply:
    record = state.data["refresh_tokens"].get(refresh_token or "")
    if record is None or state.data["grants"][record["grant_id"]]["revoked"]:
        return oauth_error("invalid_grant")
    if not _same_scope(state.data["grants"][record["grant_id"]], scope):
        return oauth_error("invalid_grant")  # the token stays usable with the right scope
    if record["used_at"] is None:
        record["used_at"] = wire.now_ms()
        record["successor"] = _issue_pair(state, record["grant_id"])
        return Reply(body=record["successor"])
    if wire.now_ms() - record["used_at"] <= state.config["refresh_grace_seconds"] * 1000:
        # Within the grace period the same old token gets the same new pair back.
        return Reply(body=record["successor"])
    return oauth_error("invalid_grant")


def _same_scope(grant: JsonObject, scope: str | None) -> bool:
    """A refresh that names scopes other than the grant's is invalid_grant (pyxero#296,
    notes §9); one without scope keeps the grant's scopes (RFC 6749 §6). Order is free."""
    asked = (scope or "").split()
    return not asked or set(asked) == set(grant["scope"].split())


def _issue_pair(state: SandboxState, grant_id: str) -> JsonObject:
    data, grant = state.data, state.data["grants"][grant_id]
    access, refresh = secrets.token_urlsafe(48), secrets.token_hex(32)
    expires_in = state.config["access_token_seconds"]
    data["access_tokens"][access] = {"grant_id": grant_id, "expires_at": _later(expires_in)}
    data["refresh_tokens"][refresh] = {"grant_id": grant_id, "used_at": None, "successor": None}
    body: JsonObject = {
        "access_token": access,
        "expires_in": expires_in,
        "token_type": "Bearer",
        "refresh_token": refresh,
        "scope": grant["scope"],
    }
    if "openid" in grant["scope"].split():
        body["id_token"] = _id_token(state, grant_id)
    return body


def _id_token(state: SandboxState, grant_id: str) -> str:
    """An unsigned JWT ("alg": "none"): enough for a client to read the claims in development."""
    now = int(time.time())
    claims = {
        "iss": "sandbox-xero",
        "aud": state.client_id,
        "sub": grant_id,
        "iat": now,
        "exp": now + 300,
        "email": "demo@example.com",
        "given_name": "Demo",
        "family_name": "User",
        "xero_userid": grant_id,
    }
    parts = [{"alg": "none", "typ": "JWT"}, claims]
    encoded = [base64.urlsafe_b64encode(_json(p)).rstrip(b"=").decode() for p in parts]
    return ".".join(encoded) + "."


def _json(value: Any) -> bytes:
    return wire.dumps(value).encode("utf-8")


# ---- revocation ------------------------------------------------------------------------------


def revocation(state: SandboxState, headers: Message, form: dict[str, str]) -> Reply:
    if not _client_ok(state, headers, form):
        return oauth_error("invalid_client", status=401)
    with state.lock:
        record = state.data["refresh_tokens"].get(form.get("token") or "")
        if record is not None:
            revoke_grant(state.data, record["grant_id"])
            state.save()
    return Reply(status=200)


def revoke_grant(data: JsonObject, grant_id: str) -> None:
    """Revoke the whole token chain of a grant and remove the connections it made."""
    grant = data["grants"][grant_id]
    grant["revoked"] = True
    for connection in data["connections"].values():
        if connection["tenantId"] in grant["tenant_ids"]:
            connection["active"] = False


# ---- bearer tokens and connections ------------------------------------------------------------


def authenticate(state: SandboxState, headers: Message) -> tuple[JsonObject | None, Reply | None]:
    """Return (grant, None) for a live access token, or (None, 401 reply)."""
    auth = headers.get("Authorization", "")
    if not auth.startswith("Bearer "):
        return None, unauthorized("AuthenticationUnsuccessful")
    record = state.data["access_tokens"].get(auth[7:].strip())
    if record is None or state.data["grants"][record["grant_id"]]["revoked"]:
        return None, unauthorized("AuthenticationUnsuccessful")
    if record["expires_at"] <= wire.now_ms():
        expired = datetime.fromtimestamp(record["expires_at"] / 1000, UTC)
        return None, unauthorized(f"TokenExpired: token expired at {expired:%m/%d/%Y %H:%M:%S}")
    return state.data["grants"][record["grant_id"]], None


def check_tenant(state: SandboxState, tenant_id: str) -> Reply | None:
    """403 AuthenticationUnsuccessful unless the tenant has a live connection to this app."""
    if tenant_id and any(
        c["active"] and c["tenantId"] == tenant_id for c in state.data["connections"].values()
    ):
        return None
    return forbidden()


def list_connections(state: SandboxState, headers: Message, query: dict[str, str]) -> Reply:
    with state.lock:
        grant, error = authenticate(state, headers)
        if error or grant is None:
            return error or unauthorized("AuthenticationUnsuccessful")
        # The tenants this token's user authorised, as Xero lists them: not every
        # organisation another merchant connected to the same app.
        mine = set(grant["tenant_ids"])
        rows = [
            _public(c)
            for c in state.data["connections"].values()
            if c["active"] and c["tenantId"] in mine
        ]
    if query.get("authEventId"):
        rows = [c for c in rows if c["authEventId"] == query["authEventId"]]
    return Reply(body=rows)


def delete_connection(state: SandboxState, headers: Message, connection_id: str) -> Reply:
    with state.lock:
        _, error = authenticate(state, headers)
        if error:
            return error
        connection = state.data["connections"].get(connection_id)
        if connection is None or not connection["active"]:
            return Reply(
                status=404,
                body={"title": "Not Found", "status": 404, "detail": "Connection not found"},
            )
        connection["active"] = False
        state.save()
    return Reply(status=204)


def _public(connection: JsonObject) -> JsonObject:
    return {k: v for k, v in connection.items() if k != "active"}


def expire_access_tokens(state: SandboxState) -> None:
    with state.lock:
        for record in state.data["access_tokens"].values():
            record["expires_at"] = wire.now_ms() - 1
        state.save()


def revoke_all(state: SandboxState, tenant_id: str | None = None) -> None:
    with state.lock:
        for grant_id, grant in state.data["grants"].items():
            if tenant_id is None or tenant_id in grant["tenant_ids"]:
                revoke_grant(state.data, grant_id)
        state.save()
