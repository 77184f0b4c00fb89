"""Early warnings: trouble that is coming, shown before it stops an export.

Each is a kind and a sentence a person can act on. The status endpoint lists them for an
outlet (or a merchant's defaults); the operations app alerts on the same rules for every
merchant at once (operations/early_warnings.py). Another check joins by adding a function
to OUTLET_CHECKS: it takes the outlet, its connection and the time, and returns warnings.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Max, Min
from django.utils import timezone

from mappings.rules import archived_mappings
from mappings.selectors import effective_mappings, merchant_default_mappings
from outlets.models import ExportFrequency, Merchant, Outlet

from ..models import (
    ConnectionStatus,
    DayStatus,
    ExportDocument,
    ExportStatus,
    ReconciliationDay,
    Sale,
    XeroConnection,
)
from .lock_dates import lock_date_warning, not_in_xero

LOCK_DATE = "lock_date"
REFRESH_TOKEN_EXPIRING = "refresh_token_expiring"
ARCHIVED_MAPPING = "archived_mapping"
OVERDUE = "overdue"
RECONCILIATION_DIFFERENCE = "reconciliation_difference"

# The keep-alive refreshes a connection idle for 30 days (Xero's refresh tokens last 60),
# so one within 15 days of expiry is one the keep-alive could not refresh.
EXPIRY_WARNING = datetime.timedelta(days=15)
# How long a sale may wait before its outlet is overdue, by export frequency. A daily
# export waits for its business day to end and then for the daily time: up to two days.
OVERDUE_AFTER = {
    ExportFrequency.REALTIME: datetime.timedelta(minutes=15),
    ExportFrequency.HOURLY: datetime.timedelta(hours=2),
    ExportFrequency.DAILY: datetime.timedelta(days=2),
}

EXPIRING = (
    "The Xero connection to {tenant} could not be kept alive: its refresh token expires on "
    "{expires} (in {days} day(s)). After that the merchant must reconnect; check the "
    "connection's sync logs for why the refresh failed."
)
NOTHING_EXPORTED = (
    "Nothing has gone to Xero from this outlet since {last}, and a sale has waited since "
    "{since}: longer than its {frequency} exports allow."
)

# Red reconciliation days are warned of for as long as the daily read-back covers them
# (reconciliation/services.py RECENT_DAYS): an older one was a person's to see already.
RECONCILIATION_WINDOW = datetime.timedelta(days=7)
RED_DAYS = (
    "Xero differs from the POS on {count} day(s) since {since}: {days}. Latest, {latest}: "
    "{detail} See the reconciliation of these days to re-export or accept each change."
)


@dataclass(frozen=True)
class Warning:
    kind: str
    detail: str


def expiring_connection(
    connection: XeroConnection | None, now: datetime.datetime
) -> Warning | None:
    if connection is None or connection.status != ConnectionStatus.ACTIVE:
        return None
    expires = connection.refresh_token_expires_at
    if expires is None or expires > now + EXPIRY_WARNING:
        return None
    days = max((expires - now).days, 0)
    tenant = connection.tenant_name or connection.tenant_id
    detail = EXPIRING.format(tenant=tenant, expires=expires.date().isoformat(), days=days)
    return Warning(REFRESH_TOKEN_EXPIRING, detail)


def is_overdue(
    frequency: str,
    waiting_since: datetime.datetime | None,
    last_sent: datetime.datetime | None,
    now: datetime.datetime,
) -> bool:
    """A sale has waited longer than the frequency allows, and nothing went in that time."""
    allowed = OVERDUE_AFTER.get(ExportFrequency(frequency))
    if allowed is None or waiting_since is None:
        return False  # manual outlets export when asked
    since = now - allowed
    return waiting_since < since and (last_sent is None or last_sent < since)


def overdue_outlet(
    outlet: Outlet, connection: XeroConnection | None, now: datetime.datetime
) -> list[Warning]:
    settings = outlet.export_settings
    if not (outlet.is_active and settings.enabled) or connection is None:
        return []
    waiting = Sale.objects.filter(not_in_xero(), outlet=outlet).aggregate(at=Min("received_at"))
    sent = ExportDocument.objects.filter(outlet=outlet, status=ExportStatus.SENT)
    last = sent.aggregate(at=Max("sent_at"))["at"]
    if not is_overdue(settings.frequency, waiting["at"], last, now):
        return []
    detail = NOTHING_EXPORTED.format(
        last=last.isoformat(timespec="minutes") if last else "ever",
        since=waiting["at"].isoformat(timespec="minutes"),
        frequency=settings.frequency,
    )
    return [Warning(OVERDUE, detail)]


def lock_date(
    outlet: Outlet, connection: XeroConnection | None, now: datetime.datetime
) -> list[Warning]:
    warning = lock_date_warning(outlet, connection)
    return [Warning(LOCK_DATE, warning)] if warning else []


def red_days_since(now: datetime.datetime) -> datetime.date:
    return (now - RECONCILIATION_WINDOW).date()


def red_days_text(days: list[ReconciliationDay], since: datetime.date) -> str:
    """The red days (oldest first) in a sentence, with why the latest one is red."""
    latest = days[-1]
    detail = "; ".join(f["detail"] for f in latest.flags if f["severity"] == "red")
    return RED_DAYS.format(
        count=len(days),
        since=since.isoformat(),
        days=", ".join(day.business_date.isoformat() for day in days),
        latest=latest.business_date.isoformat(),
        detail=detail or latest.get_status_display() + ".",
    )


def red_reconciliation_days(
    outlet: Outlet, connection: XeroConnection | None, now: datetime.datetime
) -> list[Warning]:
    """Days of the outlet that Xero no longer holds as sent, and nobody has decided on."""
    since = red_days_since(now)
    days = list(
        ReconciliationDay.objects.filter(
            outlet=outlet, status=DayStatus.RED, business_date__gte=since
        ).order_by("business_date")
    )
    return [Warning(RECONCILIATION_DIFFERENCE, red_days_text(days, since))] if days else []


OUTLET_CHECKS: list[Callable[[Outlet, XeroConnection | None, datetime.datetime], list[Warning]]] = [
    lock_date,
    overdue_outlet,
    red_reconciliation_days,
]


def early_warnings(
    *,
    merchant: Merchant,
    outlet: Outlet | None,
    connection: XeroConnection | None,
    now: datetime.datetime | None = None,
) -> list[Warning]:
    """What will soon stop these exports, or make them land where nobody expects."""
    now = now or timezone.now()
    warnings = [w for w in [expiring_connection(connection, now)] if w is not None]
    if connection is not None:
        mappings = (
            effective_mappings(outlet=outlet)
            if outlet is not None
            else merchant_default_mappings(merchant_id=merchant.pk)
        )
        archived = archived_mappings(mappings, connection)
        warnings += [Warning(ARCHIVED_MAPPING, a["reason"]) for a in archived]
    if outlet is not None:
        for check in OUTLET_CHECKS:
            warnings += check(outlet, connection, now)
    return warnings
