"""Reads: which Xero connection serves an outlet, and the cached reference data."""

import datetime
from typing import Any

from django.db.models import Max, QuerySet

from outlets.models import Merchant, Outlet

from ..models import ConnectionStatus, ReferenceRecord, ReferenceSnapshot, XeroConnection

ORGANISATION = "organisation"  # the snapshot kind of GET /Organisation (reference_data.py)


def connection_for(*, merchant: Merchant, outlet: Outlet | None = None) -> XeroConnection | None:
    """The outlet's own connection if it has one, else the merchant's default.

    Disconnected rows are history and never serve anyone.
    """
    live = XeroConnection.objects.exclude(status=ConnectionStatus.DISCONNECTED)
    if outlet is not None and outlet.xero_connection_id:
        return live.filter(pk=outlet.xero_connection_id).first()
    return live.filter(merchant=merchant, is_merchant_default=True).first()


def live_connections(*, merchant: Merchant | int) -> QuerySet[XeroConnection]:
    """The merchant's connections that are not history (active or needing a reconnect)."""
    return XeroConnection.objects.filter(merchant=merchant).exclude(
        status=ConnectionStatus.DISCONNECTED
    )


def outlets_served_by(connection: XeroConnection) -> QuerySet[Outlet]:
    """The outlets that export to this connection: bound to it, or using the merchant's default."""
    outlets = Outlet.objects.filter(xero_connection=connection)
    if connection.is_merchant_default:
        outlets = outlets | Outlet.objects.filter(
            merchant_id=connection.merchant_id, xero_connection__isnull=True
        )
    return outlets.select_related("export_settings", "merchant")


def reference_records(
    *, connection: XeroConnection, kind: str, search: str = ""
) -> QuerySet[ReferenceRecord]:
    """Cached records of one kind, ordered by code and name; `search` matches the name."""
    records = ReferenceRecord.objects.filter(connection=connection, kind=kind)
    if search:
        records = records.filter(name__icontains=search)
    return records.order_by("code", "name")


def reference_index(*, connection: XeroConnection, kind: str) -> dict[str, ReferenceRecord]:
    """Cached records of one kind by code (account code, tax type, tracking category name)."""
    return {r.code: r for r in reference_records(connection=connection, kind=kind)}


def has_reference_data(connection: XeroConnection) -> bool:
    """Whether Xero's reference data was ever fetched for the connection."""
    return ReferenceSnapshot.objects.filter(connection=connection).exists()


def organisation_data(connection: XeroConnection) -> dict[str, Any]:
    """Xero's Organisation element from the last refresh (reference_data.refresh_organisation),
    with its lock dates as YYYY-MM-DD; empty before the first refresh."""
    snapshot = ReferenceSnapshot.objects.filter(connection=connection, kind=ORGANISATION).first()
    return snapshot.data if snapshot else {}


def last_refreshed_at(*, connection: XeroConnection, kind: str) -> datetime.datetime | None:
    snapshot = ReferenceSnapshot.objects.filter(connection=connection, kind=kind).first()
    return snapshot.refreshed_at if snapshot else None


def latest_refresh(*, connection: XeroConnection) -> datetime.datetime | None:
    """When the connection's accounts, tax rates, tracking or contacts were last refreshed
    from Xero. The organisation alone (re-read while work waits on a lock date) is left
    out: it names nothing a document's lines or contact use."""
    latest: datetime.datetime | None = (
        ReferenceSnapshot.objects.filter(connection=connection)
        .exclude(kind=ORGANISATION)
        .aggregate(latest=Max("refreshed_at"))["latest"]
    )
    return latest
