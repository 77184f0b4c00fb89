"""Token lifecycle: hand out a usable access token, refresh it safely, keep idle grants alive.

Xero access tokens last 30 minutes; refresh tokens rotate on every use and die after 60
unused days (xero-api-notes §1). All tenants of one authorisation share one token set,
so a refresh updates every live row holding that set, or the others would be left with
a dead refresh token (notes §9, "Token refresh races").
"""

import datetime
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import ConnectionStatus, XeroConnection
from . import identity
from .errors import AUTH, XeroError

logger = logging.getLogger(__name__)

# Refresh a little before expiry so a token cannot die between our check and Xero's.
REFRESH_MARGIN = datetime.timedelta(minutes=5)
REFRESH_TOKEN_LIFETIME = datetime.timedelta(days=60)
# Half the refresh token's life: an idle merchant is refreshed well before it lapses.
IDLE_AFTER = datetime.timedelta(days=30)

MSG_NEEDS_RECONNECT = (
    "Xero refused the refresh token (invalid_grant): the merchant must reconnect. {description}"
)
MSG_NOT_ACTIVE = (
    "The Xero connection to {tenant} is {status}: the merchant must reconnect it in Xero."
)


def fresh_access_token(connection: XeroConnection) -> str:
    """An access token with at least REFRESH_MARGIN left, refreshing it if needed."""
    if connection.status != ConnectionStatus.ACTIVE:
        raise _not_active(connection)
    if _has_time_left(connection):
        return connection.access_token
    return _adopt(connection, refresh_tokens(connection_id=connection.pk))


def refresh_after_refusal(connection: XeroConnection, *, refused_token: str) -> str:
    """A new access token after Xero refused `refused_token` before its time (401
    TokenExpired: clock skew, an early expiry; notes §1 "Error codes").

    Refreshed once however many workers were refused at the same moment: whoever gets
    the lock first refreshes, the others find a token other than the refused one.
    """
    refreshed = refresh_tokens(connection_id=connection.pk, refused_token=refused_token)
    return _adopt(connection, refreshed)


def _adopt(connection: XeroConnection, refreshed: XeroConnection) -> str:
    # The caller's object gets the new token too, so the rest of a long export run does
    # not take the refresh lock again on every call.
    for field in (
        "access_token",
        "refresh_token",
        "access_token_expires_at",
        "refresh_token_expires_at",
    ):
        setattr(connection, field, getattr(refreshed, field))
    return connection.access_token


def refresh_tokens(*, connection_id: int, refused_token: str = "") -> XeroConnection:
    """Refresh the connection's grant once, however many workers ask at the same time.

    With `refused_token`, refresh unless the stored token is already another one, even
    if it looks unexpired: Xero has just refused it.
    """
    failure: XeroError | None = None
    with transaction.atomic():
        rows = _lock_grant(connection_id)
        connection = rows[0]
        if connection.status != ConnectionStatus.ACTIVE:
            raise _not_active(connection)
        # Another worker may have refreshed while we waited for the lock: its new token
        # is what we want, and refreshing again would only rotate the token once more.
        if refused_token and connection.access_token != refused_token:
            return connection
        if not refused_token and _has_time_left(connection):
            return connection
        try:
            tokens = identity.refresh(refresh_token=connection.refresh_token, connection=connection)
        except identity.InvalidGrant as exc:
            _mark_needs_reconnect(rows, exc.description)
            failure = exc
        except XeroError as exc:
            # Transient or config failures leave the connection active: the same
            # refresh token may be retried within Xero's 30-minute grace period.
            failure = exc
        else:
            store_tokens(rows=rows, tokens=tokens)
    # Raised after the transaction so the needs-reconnect status and SyncLog rows commit.
    if failure is not None:
        raise failure
    return connection


def store_tokens(*, rows: list[XeroConnection], tokens: identity.TokenSet) -> None:
    """Save one token set on every row of its grant."""
    now = timezone.now()
    for row in rows:
        row.access_token = tokens.access_token
        row.refresh_token = tokens.refresh_token
        row.access_token_expires_at = now + datetime.timedelta(seconds=tokens.expires_in)
        row.refresh_token_expires_at = now + REFRESH_TOKEN_LIFETIME
        row.last_refreshed_at = now
        row.scopes = tokens.scope or row.scopes
        row.status = ConnectionStatus.ACTIVE
        row.status_reason = ""
        row.save()


def refresh_idle_connections() -> int:
    """Refresh every active connection unrefreshed for IDLE_AFTER; returns how many succeeded.

    Safe to run twice at once: refresh_tokens re-checks under the lock and skips rows
    another run has just refreshed.
    """
    cutoff = timezone.now() - IDLE_AFTER
    idle = XeroConnection.objects.filter(status=ConnectionStatus.ACTIVE).filter(
        Q(last_refreshed_at__lt=cutoff) | Q(last_refreshed_at__isnull=True)
    )
    refreshed = 0
    for connection_id in idle.values_list("pk", flat=True):
        try:
            refresh_tokens(connection_id=connection_id)
        except XeroError as exc:
            # One merchant's failure must not stop the others; the SyncLog has the details.
            logger.warning("Idle refresh of connection %s failed: %s", connection_id, exc.message)
            continue
        refreshed += 1
    return refreshed


def _lock_grant(connection_id: int) -> list[XeroConnection]:
    """Lock the connection and its grant's other live rows; the connection comes first.

    This is the one lock deliberately held across an HTTP call: Xero rotates refresh
    tokens, so two workers refreshing with the same token would leave one holding a dead
    token (invalid_grant, notes §9). The call is short and has a timeout. The merchant's
    live rows are locked in id order so two refreshes of one merchant cannot deadlock;
    on SQLite, BEGIN IMMEDIATE (config/settings.py) does the serialising instead.
    """
    merchant_id = XeroConnection.objects.values_list("merchant_id", flat=True).get(pk=connection_id)
    candidates = (
        XeroConnection.objects.select_for_update()
        .filter(Q(pk=connection_id) | Q(merchant_id=merchant_id, status=ConnectionStatus.ACTIVE))
        .order_by("pk")
    )
    rows = list(candidates)
    connection = next(r for r in rows if r.pk == connection_id)
    # Refresh tokens are encrypted with a random IV, so siblings are found in Python.
    token = connection.refresh_token
    siblings = [r for r in rows if r.pk != connection_id and token and r.refresh_token == token]
    return [connection, *siblings]


def mark_refused(connection: XeroConnection, *, reason: str, whole_grant: bool) -> None:
    """Xero refused the connection's authorisation for good: it waits for a reconnect.

    A refused token belongs to the grant, so every organisation of the grant waits; a
    refused organisation (403, disconnected in Xero) is that connection alone.
    """
    with transaction.atomic():
        rows = _lock_grant(connection.pk) if whole_grant else [connection]
        _set_needs_reconnect(rows, reason)
    connection.status, connection.status_reason = ConnectionStatus.NEEDS_RECONNECT, reason


def _mark_needs_reconnect(rows: list[XeroConnection], description: str) -> None:
    _set_needs_reconnect(rows, MSG_NEEDS_RECONNECT.format(description=description).strip())


def _set_needs_reconnect(rows: list[XeroConnection], reason: str) -> None:
    for row in rows:
        row.status = ConnectionStatus.NEEDS_RECONNECT
        row.status_reason = reason
        row.save(update_fields=["status", "status_reason", "updated_at"])


def _has_time_left(connection: XeroConnection) -> bool:
    expires_at = connection.access_token_expires_at
    return (
        bool(connection.access_token)
        and expires_at is not None
        and (expires_at - timezone.now() >= REFRESH_MARGIN)
    )


def _not_active(connection: XeroConnection) -> XeroError:
    message = MSG_NOT_ACTIVE.format(
        tenant=connection.tenant_name or connection.tenant_id,
        status=connection.get_status_display().lower(),
    )
    if connection.status_reason:
        message = f"{message} {connection.status_reason}"
    return XeroError(message, kind=AUTH)
