"""Xero's limits on the app itself: how many organisations it may connect.

An uncertified Xero app may connect at most 25 organisations (XERO_MAX_CONNECTIONS). One
organisation connected by two merchants is one connection to Xero, and reconnecting an
organisation that is already connected adds none, so the count is of distinct live tenants.
"""

from django.conf import settings

from config.errors import Conflict
from outlets.models import Merchant

from ..models import ConnectionStatus, XeroConnection
from .selectors import live_connections

MSG_CONNECTION_LIMIT = (
    "This service's Xero app already connects {count} Xero organisations, the most it may "
    "connect ({limit}; an uncertified Xero app may connect at most 25). Disconnect an "
    "organisation that is no longer used, or raise XERO_MAX_CONNECTIONS once Xero has "
    "certified the app, then connect again."
)


class ConnectionLimitReached(Conflict):
    code = "connection_limit"


def max_connections() -> int:
    return settings.XERO_MAX_CONNECTIONS


def connected_tenant_ids() -> set[str]:
    live = XeroConnection.objects.exclude(status=ConnectionStatus.DISCONNECTED)
    return set(live.values_list("tenant_id", flat=True))


def connected_organisations() -> int:
    return len(connected_tenant_ids())


def limit_message(count: int) -> str:
    return MSG_CONNECTION_LIMIT.format(count=count, limit=max_connections())


def ensure_room_to_connect(*, merchant: Merchant) -> None:
    """Refuse before the merchant goes to Xero when no organisation can be added.

    A merchant with a live connection may go: they may be reconnecting it, which is not a
    new connection; a new organisation they pick is refused at the callback instead.
    """
    count = connected_organisations()
    if count < max_connections() or live_connections(merchant=merchant).exists():
        return
    raise ConnectionLimitReached(limit_message(count))


def tenants_with_room(tenants: list[dict]) -> list[dict]:
    """The tenants of an authorisation that fit: those already connected, then new ones
    while there is room (Xero's `tenantId`, xero-identity.yaml Connection)."""
    connected = connected_tenant_ids()
    room = max_connections() - len(connected)
    kept = []
    for tenant in tenants:
        if tenant.get("tenantId") in connected:
            kept.append(tenant)
        elif room > 0:
            kept.append(tenant)
            room -= 1
    return kept
