"""Whether an outlet (or a merchant's defaults) can export to Xero now, and if not, why."""

from dataclasses import asdict

from django.db.models import Q

from mappings.selectors import effective_mappings, merchant_default_mappings
from outlets.models import Merchant, Outlet

from .mapping_rules import invalid_mappings, missing_mappings
from .models import ConnectionStatus, ReferenceSnapshot, SyncLog, XeroConnection
from .selectors import connection_for

NOT_CONNECTED = "Xero is not connected for this merchant."
NEEDS_RECONNECT = "The Xero connection needs to be reconnected: {reason}"
NO_REFERENCE_DATA = "Xero reference data has not been fetched yet."
MAPPINGS_MISSING = "Some mappings are missing."
MAPPINGS_INVALID = "Some mappings point at accounts, tax rates or options Xero no longer accepts."
OUTLET_INACTIVE = "The outlet is inactive."
EXPORTS_DISABLED = "Exports are disabled for this outlet."


def connection_body(connection: XeroConnection | None) -> dict | None:
    if connection is None:
        return None
    return {
        "status": connection.status,
        "status_reason": connection.status_reason,
        "tenant_id": connection.tenant_id,
        "tenant_name": connection.tenant_name,
        "access_token_expires_at": connection.access_token_expires_at,
        "refresh_token_expires_at": connection.refresh_token_expires_at,
        "last_refreshed_at": connection.last_refreshed_at,
    }


def last_sync_at(merchant: Merchant, outlet: Outlet | None, outcome: str):
    logs = SyncLog.objects.filter(merchant=merchant, outcome=outcome)
    if outlet is not None:
        # Calls about the merchant as a whole (token refreshes) count for every outlet.
        logs = logs.filter(Q(outlet=outlet) | Q(outlet__isnull=True))
    return logs.order_by("-created_at").values_list("created_at", flat=True).first()


def blocking_reasons(outlet, connection, has_reference_data, missing, invalid) -> list[str]:
    reasons = []
    if outlet is not None and not outlet.is_active:
        reasons.append(OUTLET_INACTIVE)
    if outlet is not None and not outlet.export_settings.enabled:
        reasons.append(EXPORTS_DISABLED)
    if connection is None or connection.status == ConnectionStatus.DISCONNECTED:
        return reasons + [NOT_CONNECTED]
    if connection.status == ConnectionStatus.NEEDS_RECONNECT:
        reasons.append(NEEDS_RECONNECT.format(reason=connection.status_reason))
    if not has_reference_data:
        reasons.append(NO_REFERENCE_DATA)
    if missing:
        reasons.append(MAPPINGS_MISSING)
    if invalid:
        reasons.append(MAPPINGS_INVALID)
    return reasons


def export_status(*, merchant: Merchant, outlet: Outlet | None) -> dict:
    connection = connection_for(merchant=merchant, outlet=outlet)
    if outlet is not None:
        mappings = effective_mappings(outlet=outlet)
    else:
        mappings = merchant_default_mappings(merchant_id=merchant.pk)
    has_reference_data = (
        connection is not None
        and ReferenceSnapshot.objects.filter(connection=connection).exists()
    )
    missing = [asdict(m) for m in missing_mappings(mappings)]
    invalid = invalid_mappings(mappings, connection) if has_reference_data else []
    reasons = blocking_reasons(outlet, connection, has_reference_data, missing, invalid)
    return {
        "merchant_id": merchant.merchant_id,
        "pos_station_id": outlet.pos_station_id if outlet else None,
        "can_export": not reasons,
        "reasons": reasons,
        "connection": connection_body(connection),
        "last_successful_sync_at": last_sync_at(merchant, outlet, SyncLog.Outcome.SUCCESS),
        "last_failed_sync_at": last_sync_at(merchant, outlet, SyncLog.Outcome.FAILED),
        # The export engine (issue 4) makes these real.
        "pending_exports": 0,
        "failed_exports": 0,
        "missing_mappings": missing,
        "invalid_mappings": invalid,
    }
