"""The authorisation flow: start it, complete it at the callback, disconnect, pick defaults.

Xero's redirect carries only `code` and `state` (xero-api-notes §1), so everything we
need afterwards (which merchant, where to send the person back) lives in an OAuthState
row found by the state's hash. A state works once and for 10 minutes.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from config.errors import Conflict, Invalid
from outlets.models import Merchant, Outlet

from .. import tasks
from ..models import ConnectionStatus, ExportDocument, ExportStatus, OAuthState, XeroConnection
from ..xero import identity, tokens
from ..xero.errors import XeroError
from .limits import (
    connected_organisations,
    ensure_room_to_connect,
    limit_message,
    tenants_with_room,
)
from .selectors import live_connections

STATE_LIFETIME = datetime.timedelta(minutes=10)
RETURN_URL_MAX_LENGTH = OAuthState._meta.get_field("return_url").max_length or 0

MSG_RETURN_URL = "return_url must be an http(s) URL on one of these hosts: {hosts}."
MSG_RETURN_URL_TOO_LONG = "return_url must be at most {max_length} characters."
MSG_STATE_MISSING = "The Xero callback has no state; start connecting to Xero again."
MSG_STATE_UNKNOWN = (
    "This Xero authorisation is not one we started (unknown state); start connecting again."
)
MSG_STATE_USED = "This Xero authorisation was already used; start connecting again."
MSG_STATE_EXPIRED = (
    "This Xero authorisation expired (it must be completed within 10 minutes); "
    "start connecting again."
)
MSG_NOT_GRANTED = "Xero access was not granted: {reason}"
MSG_CODE_MISSING = "The Xero callback has no authorisation code; start connecting again."
MSG_XERO_FAILED = "Xero did not complete the connection: {reason}"
MSG_NO_TENANTS = "Xero returned no organisations for this authorisation; choose at least one."
MSG_NOT_CONNECTED = "Merchant '{merchant}' has no Xero connection to disconnect."
MSG_OUTLET_NOT_CONNECTED = (
    "Outlet '{outlet}' has no Xero connection of its own (it uses the merchant's); "
    "leave out pos_station_id to disconnect the merchant's connection."
)
MSG_CANNOT_BE_DEFAULT = "Only an active Xero connection can become the merchant's default."
MSG_CANNOT_BIND = "Only an active Xero connection can be bound to an outlet."
MSG_OTHER_MERCHANT = "That Xero connection belongs to another merchant."


CONNECTED, DENIED, ERROR = "connected", "denied", "error"  # `status` on the POS's return URL


class AuthorisationFailed(Invalid):
    """The callback could not connect anything; the detail is shown to the person.

    Once the state is known, `return_url` says where the POS wants the person back and
    `status` whether they said no in Xero (denied) or something went wrong (error).
    """

    return_url = ""
    status = ERROR


class NotConnected(Conflict):
    """There is no live connection to act on."""


@dataclass(frozen=True)
class CompletedAuthorisation:
    merchant: Merchant
    connections: list[XeroConnection]
    return_url: str


@dataclass(frozen=True)
class DisconnectResult:
    connection: XeroConnection
    xero_notified: bool
    problems: list[str] = field(default_factory=list)


# ---- start --------------------------------------------------------------------------------


def start_authorisation(*, merchant: Merchant, return_url: str = "") -> str:
    """Record a single-use state for the merchant and return Xero's authorise URL.

    Raises ConnectionLimitReached when the app may connect no more organisations.
    """
    _validate_return_url(return_url)
    ensure_room_to_connect(merchant=merchant)
    state = secrets.token_urlsafe(32)
    verifier = identity.new_code_verifier()
    # Only the state's hash is stored: a database reader cannot complete someone's
    # authorisation. The PKCE verifier must be read back at the callback: it is encrypted.
    OAuthState.objects.create(
        state_hash=_hash(state),
        merchant=merchant,
        return_url=return_url,
        code_verifier=verifier,
        expires_at=timezone.now() + STATE_LIFETIME,
    )
    return identity.authorize_url(state=state, code_verifier=verifier)


def _validate_return_url(return_url: str) -> None:
    if not return_url:
        return
    if len(return_url) > RETURN_URL_MAX_LENGTH:  # what OAuthState.return_url holds
        message = MSG_RETURN_URL_TOO_LONG.format(max_length=RETURN_URL_MAX_LENGTH)
        raise ValidationError({"return_url": message})
    parts = urlsplit(return_url)
    # An allow-list of hosts stops the callback being used as an open redirect.
    allowed_hosts = settings.XERO_RETURN_URL_HOSTS
    if parts.scheme not in ("http", "https") or parts.hostname not in allowed_hosts:
        hosts = ", ".join(allowed_hosts) or "(none configured)"
        raise ValidationError({"return_url": MSG_RETURN_URL.format(hosts=hosts)})


# ---- callback -----------------------------------------------------------------------------


def complete_authorisation(
    *, state: str, code: str = "", error: str = "", error_description: str = ""
) -> CompletedAuthorisation:
    """Handle Xero's redirect: claim the state, exchange the code, store the tenants."""
    pending = _claim_state(state)
    try:
        return _complete(pending, code=code, error=error, error_description=error_description)
    except AuthorisationFailed as failed:
        failed.return_url = pending.return_url
        # Xero sends error=access_denied when the person clicks Cancel (OAuth 2.0, RFC 6749 4.1.2.1).
        failed.status = DENIED if error == "access_denied" else ERROR
        raise


def _complete(
    pending: OAuthState, *, code: str, error: str, error_description: str
) -> CompletedAuthorisation:
    if error:
        raise AuthorisationFailed(MSG_NOT_GRANTED.format(reason=error_description or error))
    if not code:
        raise AuthorisationFailed(MSG_CODE_MISSING)
    try:
        token_set = identity.exchange_code(
            code=code, code_verifier=pending.code_verifier, merchant=pending.merchant
        )
        tenants = identity.list_connections(
            access_token=token_set.access_token,
            merchant=pending.merchant,
            auth_event_id=identity.auth_event_id(token_set),
        )
    except XeroError as exc:
        raise AuthorisationFailed(MSG_XERO_FAILED.format(reason=exc.message)) from None
    if not tenants:
        raise AuthorisationFailed(MSG_NO_TENANTS)
    tenants = _within_app_limit(tenants, token_set, pending.merchant)
    rows = store_connections(merchant=pending.merchant, token_set=token_set, tenants=tenants)
    return CompletedAuthorisation(pending.merchant, rows, pending.return_url)


def _within_app_limit(
    tenants: list[dict], token_set: identity.TokenSet, merchant: Merchant
) -> list[dict]:
    """Only organisations the app may still connect are stored (connection/limits.py);
    Xero is told to drop the others, so it does not count them against the app either."""
    kept = tenants_with_room(tenants)
    for refused in (t for t in tenants if t not in kept and t.get("id")):
        try:
            identity.delete_unstored_connection(
                access_token=token_set.access_token,
                xero_connection_id=refused["id"],
                merchant=merchant,
            )
        except XeroError:
            pass  # its sync log row says what Xero did not hear; the refusal stands
    if not kept:
        raise AuthorisationFailed(limit_message(connected_organisations()))
    return kept


def _claim_state(state: str) -> OAuthState:
    """Mark the state used before anything else happens, so a replay cannot exchange twice."""
    if not state:
        raise AuthorisationFailed(MSG_STATE_MISSING)
    pending = OAuthState.objects.select_related("merchant").filter(state_hash=_hash(state)).first()
    if pending is None:
        raise AuthorisationFailed(MSG_STATE_UNKNOWN)
    now = timezone.now()
    # Conditional UPDATE: of two concurrent callbacks with one state, exactly one gets 1.
    claimed = OAuthState.objects.filter(
        pk=pending.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if claimed == 1:
        return pending
    pending.refresh_from_db()
    raise AuthorisationFailed(MSG_STATE_USED if pending.used_at else MSG_STATE_EXPIRED)


@transaction.atomic
def store_connections(
    *, merchant: Merchant, token_set: identity.TokenSet, tenants: list[dict]
) -> list[XeroConnection]:
    """Save each tenant of one authorisation; all of them share its token set.

    A tenant already connected for the merchant is updated, not duplicated. The first
    tenant becomes the default unless the merchant has a usable default already.
    """
    needs_default = _default_to_keep(merchant, {t["tenantId"] for t in tenants}) is None
    rows = []
    for tenant in tenants:
        row = live_connections(merchant=merchant).filter(tenant_id=tenant["tenantId"]).first()
        row = row or XeroConnection(merchant=merchant, tenant_id=tenant["tenantId"])
        row.tenant_name = tenant.get("tenantName") or ""
        row.xero_connection_id = tenant.get("id") or ""
        row.auth_event_id = tenant.get("authEventId") or ""
        row.disconnected_at = None
        if needs_default:
            row.is_merchant_default, needs_default = True, False
        rows.append(row)
    tokens.store_tokens(rows=rows, tokens=token_set)
    for row in rows:
        adopt_unfinished_exports(connection=row)
        # Mappings are checked against the organisation's accounts: fetch them at once.
        tasks.queue_reference_refresh(connection=row)
        # Work that waited for this (re)connection goes out now, not at the next tick.
        tasks.queue_export(connection_id=row.pk)
    return rows


def _default_to_keep(merchant: Merchant, tenant_ids: set[str]) -> XeroConnection | None:
    """The merchant's default if it stays (active, or being reconnected now), else None.

    A default that needs reconnecting and is not part of this authorisation gives up
    the flag, so the new tenant can take it (one default per merchant, a constraint).
    """
    default = live_connections(merchant=merchant).filter(is_merchant_default=True).first()
    if default is None:
        return None
    if default.status == ConnectionStatus.ACTIVE or default.tenant_id in tenant_ids:
        return default
    XeroConnection.objects.filter(pk=default.pk).update(is_merchant_default=False)
    return None


def adopt_unfinished_exports(*, connection: XeroConnection) -> int:
    """A reconnected organisation takes over what its disconnected rows left unfinished.

    A new connection row is made when a tenant is connected again after a disconnect;
    the documents planned for the old row (same merchant, same tenant) still belong in
    that organisation, so they move to the new row and go out from there.
    """
    unfinished = Q(
        status__in=[ExportStatus.PENDING, ExportStatus.SENDING, ExportStatus.FAILED]
    ) | Q(
        status=ExportStatus.SENT,
        payments_status__in=[ExportStatus.PENDING, ExportStatus.SENDING, ExportStatus.FAILED],
    )
    return (
        ExportDocument.objects.filter(unfinished)
        .filter(
            connection__merchant_id=connection.merchant_id,
            connection__tenant_id=connection.tenant_id,
            connection__status=ConnectionStatus.DISCONNECTED,
        )
        .update(connection=connection, updated_at=timezone.now())
    )


# ---- defaults and outlets -----------------------------------------------------------------


@transaction.atomic
def make_default_connection(*, connection: XeroConnection) -> XeroConnection:
    """Make this connection the one the merchant's outlets export to by default."""
    if connection.status != ConnectionStatus.ACTIVE:
        raise ValidationError(MSG_CANNOT_BE_DEFAULT)
    # Clear the old default first: the unique constraint allows one at a time.
    XeroConnection.objects.filter(
        merchant_id=connection.merchant_id, is_merchant_default=True
    ).exclude(pk=connection.pk).update(is_merchant_default=False)
    XeroConnection.objects.filter(pk=connection.pk).update(is_merchant_default=True)
    connection.is_merchant_default = True
    return connection


def bind_outlet_connection(*, outlet: Outlet, connection: XeroConnection | None) -> Outlet:
    """Make an outlet export to another of its merchant's organisations (None: the default)."""
    if connection is not None and connection.merchant_id != outlet.merchant_id:
        raise ValidationError(MSG_OTHER_MERCHANT)
    if connection is not None and connection.status != ConnectionStatus.ACTIVE:
        raise ValidationError(MSG_CANNOT_BIND)
    outlet.xero_connection = connection
    outlet.save(update_fields=["xero_connection"])
    return outlet


def unbound_connections(*, merchant: Merchant) -> QuerySet[XeroConnection]:
    """Authorised organisations that are neither the default nor used by an outlet."""
    return live_connections(merchant=merchant).filter(
        status=ConnectionStatus.ACTIVE, is_merchant_default=False, outlets__isnull=True
    )


# ---- disconnect ---------------------------------------------------------------------------


def connection_to_disconnect(*, merchant: Merchant, outlet: Outlet | None = None) -> XeroConnection:
    """The outlet's own connection, or the merchant's default; NotConnected if none is live."""
    live = live_connections(merchant=merchant)
    if outlet is not None:
        own = outlet.xero_connection_id  # None: the outlet uses the merchant's connection
        connection = live.filter(pk=own).first() if own is not None else None
        message = MSG_OUTLET_NOT_CONNECTED.format(outlet=outlet.pos_station_id)
    else:
        connection = live.filter(is_merchant_default=True).first()
        message = MSG_NOT_CONNECTED.format(merchant=merchant.merchant_id)
    if connection is None:
        raise NotConnected(message)
    return connection


def disconnect(*, connection: XeroConnection) -> DisconnectResult:
    """Tell Xero (delete the tenant's connection, revoke the grant), then mark the row.

    The row is marked disconnected even when Xero cannot be told: the merchant asked us
    to stop, and the SyncLog and the result say what Xero did not hear.
    """
    problems = []
    try:
        _tell_xero(connection)
    except XeroError as exc:
        problems.append(exc.message)
    _mark_disconnected(connection)
    return DisconnectResult(connection, xero_notified=not problems, problems=problems)


def _tell_xero(connection: XeroConnection) -> None:
    # Delete first: revoking kills the access token that the DELETE needs.
    access_token = tokens.fresh_access_token(connection)
    connection.refresh_from_db()
    if connection.xero_connection_id:
        identity.delete_connection(access_token=access_token, connection=connection)
    # Revoking removes ALL of the Xero user's connections to this app, not just this one
    # (xero-node README, xero-python oauth2.py; notes §1), and other tenants of the
    # merchant may have been authorised by the same user. So revoke only when this was
    # the merchant's last live connection; until then, the DELETE alone ends the access.
    if not live_connections(merchant=connection.merchant_id).exclude(pk=connection.pk).exists():
        identity.revoke(refresh_token=connection.refresh_token, connection=connection)


def _mark_disconnected(connection: XeroConnection) -> None:
    connection.status = ConnectionStatus.DISCONNECTED
    connection.disconnected_at = timezone.now()
    connection.access_token = connection.refresh_token = ""
    connection.access_token_expires_at = connection.refresh_token_expires_at = None
    connection.is_merchant_default = False
    connection.save()


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()
