"""Services: refresh a connection's cached Xero reference data (accounts, tax rates, tracking
categories, contacts and the organisation itself).

Records are upserted, never deleted: an account archived in Xero, or one Xero stops returning,
keeps its row and last status, so a mapping pointing at it is flagged rather than silently broken.
"""

import datetime
import itertools
import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection as db_connection
from django.db.models import Q
from django.utils import timezone

from ..models import ReferenceKind, ReferenceRecord, ReferenceSnapshot, XeroConnection
from ..xero import accounting
from .selectors import ORGANISATION

# Our clock and Xero's differ a little, and a record changed while we were reading may carry
# a timestamp just before our start: re-reading a few minutes costs less than missing one.
MODIFIED_SINCE_OVERLAP = datetime.timedelta(minutes=5)
UPDATED_FIELDS = ["code", "name", "status", "data", "refreshed_at"]
_NET_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def claim_queued_refresh(*, connection: XeroConnection) -> bool:
    """Mark a refresh of the connection as queued, unless one is queued and not started.

    True: the caller queues the refresh. False: the one already queued will fetch the
    same data, so nothing more is asked of Xero (a refresh is five or more calls of the
    organisation's 60 a minute, shared with exports). Conditional UPDATE: of two callers
    at once, exactly one gets True. A mark older than the broker's redelivery time is a
    task that was lost, so it no longer holds anyone back.
    """
    now = timezone.now()
    lost = now - datetime.timedelta(seconds=settings.Q_CLUSTER["retry"])
    unmarked = Q(reference_refresh_queued_at__isnull=True) | Q(reference_refresh_queued_at__lt=lost)
    claimed = XeroConnection.objects.filter(unmarked, pk=connection.pk).update(
        reference_refresh_queued_at=now, reference_refresh_task_id=""
    )
    return claimed == 1


def note_queued_refresh(*, connection_id: int, task_id: str) -> None:
    """The id of the queued refresh, for the requests that join it."""
    XeroConnection.objects.filter(pk=connection_id).update(reference_refresh_task_id=task_id)


def queued_refresh_task_id(*, connection_id: int) -> str | None:
    """The queued refresh's task id; None until it is known (its queuing committed)."""
    row = XeroConnection.objects.filter(pk=connection_id)
    return row.values_list("reference_refresh_task_id", flat=True).first() or None


def start_queued_refresh(*, connection_id: int) -> None:
    """The queued refresh starts: a request from now on may queue another, since this one
    may already have read what the person just changed in Xero."""
    XeroConnection.objects.filter(pk=connection_id).update(
        reference_refresh_queued_at=None, reference_refresh_task_id=""
    )


def refresh_reference_data(*, connection: XeroConnection) -> dict[str, int]:
    """Fetch every kind of reference data from Xero into the cache; returns counts per kind."""
    return {
        ReferenceKind.ACCOUNTS.value: refresh_accounts(connection=connection),
        ReferenceKind.TAX_RATES.value: refresh_tax_rates(connection=connection),
        ReferenceKind.TRACKING_CATEGORIES.value: refresh_tracking_categories(connection=connection),
        ReferenceKind.CONTACTS.value: refresh_contacts(connection=connection),
        ORGANISATION: refresh_organisation(connection=connection),
    }


def refresh_accounts(*, connection: XeroConnection) -> int:
    """Accounts changed since the last refresh (all of them the first time)."""
    started = timezone.now()
    since = _modified_since(connection, ReferenceKind.ACCOUNTS)
    accounts = accounting.get_accounts(connection, modified_since=since)
    _upsert(connection, ReferenceKind.ACCOUNTS, [_account(a) for a in accounts], started)
    _mark_refreshed(connection, ReferenceKind.ACCOUNTS, started)
    return len(accounts)


def refresh_tax_rates(*, connection: XeroConnection) -> int:
    """All tax rates: GET /TaxRates has no If-Modified-Since."""
    started = timezone.now()
    rates = accounting.get_tax_rates(connection)
    _upsert(connection, ReferenceKind.TAX_RATES, [_tax_rate(r) for r in rates], started)
    _mark_refreshed(connection, ReferenceKind.TAX_RATES, started)
    return len(rates)


def refresh_tracking_categories(*, connection: XeroConnection) -> int:
    """All tracking categories with their options, archived ones included."""
    started = timezone.now()
    categories = accounting.get_tracking_categories(connection, include_archived=True)
    records = [_tracking_category(c) for c in categories]
    _upsert(connection, ReferenceKind.TRACKING_CATEGORIES, records, started)
    _mark_refreshed(connection, ReferenceKind.TRACKING_CATEGORIES, started)
    return len(categories)


def refresh_contacts(*, connection: XeroConnection, page_size: int = 100) -> int:
    """Contacts changed since the last refresh, page by page until a page comes back short."""
    started = timezone.now()
    since = _modified_since(connection, ReferenceKind.CONTACTS)
    total = 0
    for page in itertools.count(1):
        contacts = accounting.get_contacts_page(
            connection, page=page, modified_since=since, page_size=page_size
        )
        _upsert(connection, ReferenceKind.CONTACTS, [_contact(c) for c in contacts], started)
        total += len(contacts)
        if len(contacts) < page_size:
            break
    # Marked only once every page is in: a failure part-way re-reads from the old time.
    _mark_refreshed(connection, ReferenceKind.CONTACTS, started)
    return total


def refresh_organisation(*, connection: XeroConnection) -> int:
    """The organisation's settings (base currency, timezone, lock dates) as a snapshot.

    `data` is Xero's element plus `period_lock_date` and `end_of_year_lock_date` as
    YYYY-MM-DD (or None), parsed from Xero's /Date(ms+zzzz)/ form.
    """
    started = timezone.now()
    organisation = accounting.get_organisation(connection)
    data = _json_safe(organisation)
    data["period_lock_date"] = xero_date(organisation.get("PeriodLockDate"))
    data["end_of_year_lock_date"] = xero_date(organisation.get("EndOfYearLockDate"))
    _mark_refreshed(connection, ORGANISATION, started, data=data)
    return 1 if organisation else 0


def xero_date(value: object) -> str | None:
    """YYYY-MM-DD from Xero's "/Date(1419937200000+1300)/" or an ISO date; None if absent.

    Xero writes .NET JSON dates: milliseconds since the epoch, with the offset of the local
    time they stand for (developer.xero.com dates-and-timestamps-explained).
    """
    if not value:
        return None
    match = _NET_DATE.match(str(value))
    if not match:
        return str(value)[:10]
    moment = datetime.datetime.fromtimestamp(int(match.group(1)) / 1000, datetime.timezone.utc)
    return (moment + _offset(match.group(2))).date().isoformat()


def _offset(text: str | None) -> datetime.timedelta:
    if not text:
        return datetime.timedelta(0)
    sign = -1 if text[0] == "-" else 1
    return sign * datetime.timedelta(hours=int(text[1:3]), minutes=int(text[3:5]))


def _account(element: dict) -> dict[str, Any]:
    code, name, status = element.get("Code"), element.get("Name"), element.get("Status")
    return _record(element["AccountID"], code, name, status, element)


def _tax_rate(element: dict) -> dict[str, Any]:
    # A tax rate has no id of its own: its TaxType is the code lines refer to.
    tax_type = element["TaxType"]
    return _record(tax_type, tax_type, element.get("Name"), element.get("Status"), element)


def _tracking_category(element: dict) -> dict[str, Any]:
    name = element.get("Name")
    return _record(element["TrackingCategoryID"], name, name, element.get("Status"), element)


def _contact(element: dict) -> dict[str, Any]:
    code, name = element.get("ContactNumber"), element.get("Name")
    status = element.get("ContactStatus")
    return _record(element["ContactID"], code, name, status, element)


def _record(
    xero_id: object, code: str | None, name: str | None, status: str | None, element: dict
) -> dict[str, Any]:
    """The fields of one ReferenceRecord row, cut to the lengths of its columns."""
    return {
        "xero_id": str(xero_id),
        "code": (code or "")[:100],
        "name": (name or "")[:255],
        "status": (status or "")[:16],
        "data": _json_safe(element),
    }


def _upsert(
    connection: XeroConnection,
    kind: str,
    records: list[dict[str, Any]],
    refreshed_at: datetime.datetime,
) -> None:
    rows = [
        ReferenceRecord(connection=connection, kind=kind, refreshed_at=refreshed_at, **record)
        for record in records
    ]
    # One INSERT … ON CONFLICT per batch, keyed by the unique (connection, kind, xero_id).
    # MariaDB and MySQL name no key (ON DUPLICATE KEY UPDATE): that unique key is the
    # table's only one besides the id, so theirs is the same upsert.
    names_key = db_connection.features.supports_update_conflicts_with_target
    ReferenceRecord.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["connection", "kind", "xero_id"] if names_key else None,
        update_fields=UPDATED_FIELDS,
    )


def _modified_since(connection: XeroConnection, kind: str) -> datetime.datetime | None:
    snapshot = ReferenceSnapshot.objects.filter(connection=connection, kind=kind).first()
    return snapshot.refreshed_at - MODIFIED_SINCE_OVERLAP if snapshot else None


def _mark_refreshed(
    connection: XeroConnection,
    kind: str,
    refreshed_at: datetime.datetime,
    *,
    data: dict | None = None,
) -> None:
    defaults: dict[str, Any] = {"refreshed_at": refreshed_at}
    if data is not None:
        defaults["data"] = data
    ReferenceSnapshot.objects.update_or_create(connection=connection, kind=kind, defaults=defaults)


def _json_safe(value: Any) -> Any:
    """Xero's element with Decimal amounts as strings, so JSONField stores them exactly."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    return value
