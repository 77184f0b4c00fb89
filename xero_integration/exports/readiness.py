"""Whether an outlet (or a merchant's defaults) can export now, and if not, why.

The status endpoint shows these reasons; the export engine waits on them, and the
work goes out by itself once they are fixed.
"""

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from mappings.models import MappingType
from mappings.rules import InvalidMapping, invalid_mappings, missing_mappings
from mappings.selectors import (
    EffectiveMappings,
    effective_mappings,
    mappings_state,
    merchant_default_mappings,
)
from outlets.models import Merchant, Outlet

from ..connection.selectors import latest_refresh
from ..models import (
    ConnectionStatus,
    ExportStatus,
    SaleKey,
    XeroConnection,
)
from .builders import NO_PAYMENT_ACCOUNT, NO_REVENUE_ACCOUNT, NO_SPECIAL_ACCOUNT, NO_TAX_TYPE

NOT_CONNECTED = "Xero is not connected for this merchant."
NEEDS_RECONNECT = "The Xero connection needs to be reconnected: {reason}"
NO_REFERENCE_DATA = "Xero reference data has not been fetched yet."
MAPPINGS_MISSING = "Some mappings are missing."
MAPPINGS_INVALID = "Some mappings point at accounts, tax rates or options Xero no longer accepts."
OUTLET_INACTIVE = "The outlet is inactive."
NUMBER_CLASH = (
    "Outlet '{station}' of {merchant} sends to the same Xero organisation with the same "
    "document number prefix '{prefix}': give one of them its own number prefix."
)
# Another merchant's outlet (two merchants' books in one organisation) is never named.
NUMBER_CLASH_ELSEWHERE = (
    "An outlet of another merchant sends to the same Xero organisation with the same "
    "document number prefix '{prefix}': give this outlet its own number prefix."
)
EXPORTS_DISABLED = "Exports are disabled for this outlet."


@dataclass(frozen=True)
class Readiness:
    reasons: list[str]
    missing_mappings: list[dict[str, Any]]
    invalid_mappings: list[InvalidMapping]
    # POS values the outlet's waiting sales carry that nothing maps: those sales wait
    # (others go), and go out by themselves once the value is mapped.
    unmapped_keys: list[dict[str, Any]] = field(default_factory=list)

    @property
    def can_export(self) -> bool:
        return not self.reasons


def outlet_reasons(outlet: Outlet | None) -> list[str]:
    if outlet is None:
        return []
    reasons = [] if outlet.is_active else [OUTLET_INACTIVE]
    return reasons + ([] if outlet.export_settings.enabled else [EXPORTS_DISABLED])


def outlets_sharing_the_organisation(
    outlet: Outlet, connection: XeroConnection
) -> QuerySet[Outlet]:
    """Other outlets, of any merchant, whose documents go to the same Xero tenant."""
    live = XeroConnection.objects.filter(tenant_id=connection.tenant_id).exclude(
        status=ConnectionStatus.DISCONNECTED
    )
    defaults = live.filter(is_merchant_default=True).values("merchant_id")
    return (
        Outlet.objects.filter(
            Q(xero_connection__in=live) | Q(xero_connection__isnull=True, merchant_id__in=defaults)
        )
        .exclude(pk=outlet.pk)
        .select_related("export_settings", "merchant")
    )


def number_clash(outlet: Outlet | None, connection: XeroConnection | None) -> list[str]:
    """Xero keeps invoice numbers unique per organisation, so prefixes must be too."""
    if outlet is None or connection is None:
        return []
    prefix = outlet.export_settings.effective_prefix
    for other in outlets_sharing_the_organisation(outlet, connection):
        if other.export_settings.effective_prefix.upper() != prefix.upper():
            continue
        if other.merchant_id != outlet.merchant_id:
            return [NUMBER_CLASH_ELSEWHERE.format(prefix=prefix)]
        return [
            NUMBER_CLASH.format(
                station=other.pos_station_id, merchant=other.merchant.name, prefix=prefix
            )
        ]
    return []


def connection_reasons(connection: XeroConnection | None) -> list[str]:
    if connection is None or connection.status == ConnectionStatus.DISCONNECTED:
        return [NOT_CONNECTED]
    if connection.status == ConnectionStatus.NEEDS_RECONNECT:
        return [NEEDS_RECONNECT.format(reason=connection.status_reason)]
    return []


# Why a key stops a sale, in the words the document builders use.
UNMAPPED_REASONS: dict[str, str] = {
    MappingType.REVENUE: NO_REVENUE_ACCOUNT.replace("{category}", "{key}"),
    MappingType.TAX: NO_TAX_TYPE.replace("{tax_code}", "{key}"),
    MappingType.PAYMENTS: NO_PAYMENT_ACCOUNT.replace("{method}", "{key}"),
    MappingType.SPECIAL: NO_SPECIAL_ACCOUNT.replace("{kind}", "{key}"),
}


def unmapped_keys(outlet: Outlet, mappings: EffectiveMappings) -> list[dict[str, Any]]:
    """Every POS value the outlet's sales not yet in Xero need and nothing maps, each with
    how many sales hold it: all of them at once, read from the sales themselves."""
    held = waiting_sales_by_key(outlet)
    return [
        {
            "type": type_,
            "key": key,
            "sales": sales,
            "reason": UNMAPPED_REASONS[type_].format(key=key),
        }
        for (type_, key), sales in sorted(held.items())
        if mappings.resolve(type_, key) is None
    ]


def waiting_sales_by_key(outlet: Outlet) -> Counter[tuple[str, str]]:
    """How many of the outlet's waiting sales hold each key. Two queries, each driven by an
    index on the waiting side (sales without a document by (outlet, document); documents
    not yet sent by (outlet, status)), so the cost follows the backlog, not the history.
    A sale holds a key once (unique_sale_key) and is in one of the two groups."""
    unplanned = Q(sale__outlet=outlet, sale__document__isnull=True)
    in_flight = Q(
        sale__document__outlet=outlet,
        sale__document__status__in=[ExportStatus.PENDING, ExportStatus.WAITING],
    )
    held: Counter[tuple[str, str]] = Counter()
    for waiting in (unplanned, in_flight):
        rows = SaleKey.objects.filter(waiting).values("type", "key").annotate(sales=Count("pk"))
        for row in rows.order_by():
            held[(row["type"], row["key"])] += row["sales"]
    return held


@dataclass(frozen=True)
class CheckedMappings:
    mappings: EffectiveMappings
    missing: list[dict[str, Any]]
    invalid: list[InvalidMapping]
    fetched: bool  # whether Xero's reference data was ever fetched


# Checking every mapping against the reference data is worth doing once per change, not
# on every status call and export run. Keyed by what the check reads (the merchant's
# mappings state and the connection's last refresh), so a change is seen at once. In
# each process's memory, bounded.
_CHECKED: dict[tuple[Any, ...], CheckedMappings] = {}
MAX_CHECKED = 4096


def checked_mappings(
    merchant: Merchant, outlet: Outlet | None, connection: XeroConnection | None
) -> CheckedMappings:
    refreshed = latest_refresh(connection=connection) if connection is not None else None
    key = (
        merchant.pk,
        outlet.pk if outlet is not None else None,
        connection.pk if connection is not None else None,
        mappings_state(merchant_id=merchant.pk),
        refreshed,
    )
    checked = _CHECKED.get(key)
    if checked is None:
        if len(_CHECKED) >= MAX_CHECKED:
            _CHECKED.clear()
        checked = _CHECKED[key] = check_mappings(
            merchant, outlet, connection, fetched=refreshed is not None
        )
    return checked


def check_mappings(
    merchant: Merchant, outlet: Outlet | None, connection: XeroConnection | None, *, fetched: bool
) -> CheckedMappings:
    if outlet is not None:
        mappings = effective_mappings(outlet=outlet)
    else:
        mappings = merchant_default_mappings(merchant_id=merchant.pk)
    missing = [asdict(m) for m in missing_mappings(mappings)]
    invalid = invalid_mappings(mappings, connection) if connection is not None and fetched else []
    return CheckedMappings(mappings, missing, invalid, fetched)


def readiness(
    *, merchant: Merchant, outlet: Outlet | None, connection: XeroConnection | None
) -> Readiness:
    checked = checked_mappings(merchant, outlet, connection)
    reasons = (
        outlet_reasons(outlet) + connection_reasons(connection) + number_clash(outlet, connection)
    )
    if connection is not None and not checked.fetched:
        reasons.append(NO_REFERENCE_DATA)
    if checked.missing:
        reasons.append(MAPPINGS_MISSING)
    if checked.invalid:
        reasons.append(MAPPINGS_INVALID)
    unmapped = unmapped_keys(outlet, checked.mappings) if outlet is not None else []
    return Readiness(reasons, checked.missing, checked.invalid, unmapped)
