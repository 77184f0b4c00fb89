"""The early warnings as problems to alert on, for every merchant at once.

The rules and their words are xero_integration's (exports/warnings.py, exports/lock_dates.py,
mappings/rules.py), so the alert says what the status endpoint says; here they are only
read in bulk, a fixed number of queries whatever the number of merchants and outlets.
"""

import datetime
from collections import defaultdict

from django.db.models import Count, Min

from mappings.models import Mapping
from mappings.rules import TARGET_KIND, archived_target
from outlets.models import Outlet
from xero_integration.connection.selectors import ORGANISATION
from xero_integration.exports import warnings
from xero_integration.exports.lock_dates import (
    LockRule,
    lock_date_of,
    lock_warning_text,
    not_in_xero,
)
from xero_integration.models import (
    ConnectionStatus,
    DayStatus,
    ReconciliationDay,
    ReferenceKind,
    ReferenceRecord,
    ReferenceSnapshot,
    Sale,
    XeroConnection,
)

from .dashboard.outlets import serving_connections
from .found import Found
from .models import ProblemKind


def early_warnings(now: datetime.datetime) -> list[Found]:
    return [
        *expiring_connections(now),
        *archived_mappings(),
        *lock_dates(),
        *reconciliation_differences(now),
    ]


def expiring_connections(now: datetime.datetime) -> list[Found]:
    soon = XeroConnection.objects.filter(
        status=ConnectionStatus.ACTIVE,
        refresh_token_expires_at__lte=now + warnings.EXPIRY_WARNING,
    )
    found = []
    for connection in soon:
        warning = warnings.expiring_connection(connection, now)
        if warning is not None:
            key = f"{ProblemKind.REFRESH_TOKEN_EXPIRING}:connection:{connection.pk}"
            kind = ProblemKind.REFRESH_TOKEN_EXPIRING
            found.append(Found(key, kind, connection.merchant_id, None, warning.detail))
    return found


def archived_records() -> dict[int, dict[tuple[str, str], ReferenceRecord]]:
    """Per live connection, its archived or deleted accounts and tax rates by (kind, code)."""
    records = ReferenceRecord.objects.filter(
        kind__in=[ReferenceKind.ACCOUNTS, ReferenceKind.TAX_RATES],
        status__in=["ARCHIVED", "DELETED"],
    ).exclude(connection__status=ConnectionStatus.DISCONNECTED)
    by_connection: dict[int, dict[tuple[str, str], ReferenceRecord]] = defaultdict(dict)
    for record in records:
        by_connection[record.connection_id][(record.kind, record.code)] = record
    return by_connection


def archived_mappings() -> list[Found]:
    """Every mapping row (a merchant's default or an outlet's override) naming an account or
    tax rate one of its merchant's organisations has archived or deleted."""
    archived = archived_records()
    connections = XeroConnection.objects.filter(pk__in=list(archived))
    merchants: dict[int, list[int]] = defaultdict(list)
    for connection in connections:
        merchants[connection.merchant_id].append(connection.pk)
    rows = Mapping.objects.filter(merchant_id__in=list(merchants), type__in=list(TARGET_KIND))
    found = []
    for mapping in rows:
        for connection_id in merchants[mapping.merchant_id]:
            index = archived[connection_id]
            reason = archived_target(
                lambda kind, code: index.get((kind, code)),
                mapping.type,
                mapping.pos_value,
                mapping.xero_value,
            )
            if reason:
                key = f"{ProblemKind.ARCHIVED_MAPPING}:mapping:{mapping.pk}"
                kind = ProblemKind.ARCHIVED_MAPPING
                found.append(Found(key, kind, mapping.merchant_id, mapping.outlet_id, reason))
                break
    return found


def lock_dates() -> list[Found]:
    """Outlets with days not in Xero that their organisation's lock date covers or nears."""
    days = {
        row["outlet_id"]: row
        for row in Sale.objects.filter(not_in_xero())
        .values("outlet_id")
        .annotate(oldest=Min("business_date"), days=Count("business_date", distinct=True))
    }
    outlets = list(
        Outlet.objects.filter(pk__in=list(days), is_active=True).select_related(
            "export_settings", "merchant"
        )
    )
    connections = serving_connections(outlets)
    snapshots = ReferenceSnapshot.objects.filter(
        connection__in=list(connections.values()), kind=ORGANISATION
    )
    locks = {s.connection_id: lock_date_of(s.data) for s in snapshots}
    found = []
    for outlet in outlets:
        connection = connections.get(outlet.pk)
        lock = locks.get(connection.pk) if connection else None
        rule = LockRule(lock, outlet.export_settings.lock_date_policy)
        text = lock_warning_text(rule, days[outlet.pk]["oldest"], days[outlet.pk]["days"])
        if text:
            key = f"{ProblemKind.LOCK_DATE}:outlet:{outlet.pk}"
            found.append(Found(key, ProblemKind.LOCK_DATE, outlet.merchant_id, outlet.pk, text))
    return found


def reconciliation_differences(now: datetime.datetime) -> list[Found]:
    """Outlets with red reconciliation days in the window, in one query."""
    since = warnings.red_days_since(now)
    red = (
        ReconciliationDay.objects.filter(
            status=DayStatus.RED, business_date__gte=since, outlet__is_active=True
        )
        .select_related("outlet")
        .order_by("outlet_id", "business_date")
    )
    by_outlet: dict[int, list[ReconciliationDay]] = defaultdict(list)
    for day in red:
        by_outlet[day.outlet_id].append(day)
    found = []
    for outlet_id, days in by_outlet.items():
        key = f"{ProblemKind.RECONCILIATION_DIFFERENCE}:outlet:{outlet_id}"
        merchant_id = days[0].outlet.merchant_id
        text = warnings.red_days_text(days, since)
        found.append(
            Found(key, ProblemKind.RECONCILIATION_DIFFERENCE, merchant_id, outlet_id, text)
        )
    return found
