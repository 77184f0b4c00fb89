"""Per Xero organisation: calls used this minute and in the last day against Xero's limits.

Counted from the rate limiter's own call slots (xero_integration/models/ratelimit.py), the
same rows every worker counts before it calls, with the same sliding windows.
"""

import datetime
from dataclasses import dataclass, replace

from django.conf import settings
from django.db.models import Count, Q

from xero_integration.models import ConnectionStatus, XeroCallSlot, XeroConnection, XeroTenantLimit
from xero_integration.xero import ratelimit


@dataclass(frozen=True)
class OrganisationLimits:
    tenant_id: str
    tenant_name: str
    minute_used: int
    minute_limit: int
    day_used: int
    day_limit: int
    in_flight: int
    concurrent_limit: int
    blocked_until: datetime.datetime | None
    block_reason: str

    @property
    def minute_percent(self) -> int:
        return percent(self.minute_used, self.minute_limit)

    @property
    def day_percent(self) -> int:
        return percent(self.day_used, self.day_limit)


def percent(used: int, limit: int) -> int:
    return min(100, round(100 * used / limit)) if limit else 0


def organisation_limits(*, now: datetime.datetime) -> list[OrganisationLimits]:
    tenants, budgets = live_tenants()
    used = slot_counts(now)
    blocks = {row.tenant_id: row for row in XeroTenantLimit.objects.filter(tenant_id__in=tenants)}
    return [
        replace(
            limits_of(tenant_id, name, used.get(tenant_id, {}), blocks.get(tenant_id), now),
            day_limit=budgets.get(tenant_id, ratelimit.day_limit()),
        )
        for tenant_id, name in sorted(tenants.items(), key=lambda item: item[1].lower())
    ]


def live_tenants() -> tuple[dict[str, str], dict[str, int]]:
    """Of every organisation some merchant is connected to: tenant id → name, and tenant
    id → its daily call limit (XERO_DAY_LIMIT, or the smaller budget of its Xero plan,
    XeroConnection.daily_call_limit, as ratelimit.tenant_day_limit keeps it)."""
    live = XeroConnection.objects.exclude(status=ConnectionStatus.DISCONNECTED)
    names: dict[str, str] = {}
    budgets: dict[str, int] = {}
    rows = live.values_list("tenant_id", "tenant_name", "daily_call_limit").order_by("tenant_id")
    for tenant_id, name, budget in rows:
        names[tenant_id] = name
        budgets[tenant_id] = min(budgets.get(tenant_id, ratelimit.day_limit()), budget)
    return names, budgets


def slot_counts(now: datetime.datetime) -> dict[str, dict[str, int]]:
    """One grouped query over the last day's slots (the tenant/started_at index)."""
    stale = now - datetime.timedelta(seconds=2 * settings.XERO_TIMEOUT_SECONDS)
    rows = (
        XeroCallSlot.objects.filter(started_at__gt=now - ratelimit.DAY)
        .values("tenant_id")
        .annotate(
            day=Count("id"),
            minute=Count("id", filter=Q(started_at__gt=now - ratelimit.minute_window())),
            in_flight=Count("id", filter=Q(finished_at__isnull=True, started_at__gt=stale)),
        )
    )
    return {row["tenant_id"]: row for row in rows}


def limits_of(
    tenant_id: str,
    name: str,
    used: dict[str, int],
    block: XeroTenantLimit | None,
    now: datetime.datetime,
) -> OrganisationLimits:
    blocked = block is not None and block.blocked_until is not None and block.blocked_until > now
    return OrganisationLimits(
        tenant_id=tenant_id,
        tenant_name=name or tenant_id,
        minute_used=used.get("minute", 0),
        minute_limit=ratelimit.minute_limit(),
        day_used=used.get("day", 0),
        day_limit=ratelimit.day_limit(),
        in_flight=used.get("in_flight", 0),
        concurrent_limit=ratelimit.concurrent_limit(),
        blocked_until=block.blocked_until if blocked and block else None,
        block_reason=block.block_reason if blocked and block else "",
    )
