"""Reads: which Xero connection serves an outlet, and the cached reference data."""

from django.db.models import QuerySet

from outlets.models import Merchant, Outlet

from .models import ConnectionStatus, ReferenceRecord, ReferenceSnapshot, XeroConnection


def connection_for(*, merchant: Merchant, outlet: Outlet | None = None) -> XeroConnection | None:
    """The outlet's own connection if it has one, else the merchant's default.

    Disconnected rows are history and never serve anyone.
    """
    live = XeroConnection.objects.exclude(status=ConnectionStatus.DISCONNECTED)
    if outlet is not None and outlet.xero_connection_id:
        return live.filter(pk=outlet.xero_connection_id).first()
    return live.filter(merchant=merchant, is_merchant_default=True).first()


def reference_records(*, connection: XeroConnection, kind: str) -> QuerySet[ReferenceRecord]:
    return ReferenceRecord.objects.filter(connection=connection, kind=kind)


def reference_index(*, connection: XeroConnection, kind: str) -> dict[str, ReferenceRecord]:
    """Cached records of one kind by code (account code, tax type, tracking category name)."""
    return {r.code: r for r in reference_records(connection=connection, kind=kind)}


def last_refreshed_at(*, connection: XeroConnection, kind: str):
    snapshot = ReferenceSnapshot.objects.filter(connection=connection, kind=kind).first()
    return snapshot.refreshed_at if snapshot else None
