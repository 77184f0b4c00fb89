"""Xero's lock dates: which documents may not be dated where they belong, and what then.

Xero refuses a document (and a payment) dated on or before the organisation's
PeriodLockDate, and, for advisers' locks, its EndOfYearLockDate (spec Organisation;
notes §6). The dates are read with the reference data (connection/reference_data.py),
so a document inside a locked period is held before any call is made, and the outlet's
policy says what happens to it: wait for a person, or go out on the first open date
with its own date in the reference. The pure part (`posting_date`) is used by the
document builders; the reads are below it.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Min, Q

from config.errors import Conflict
from outlets.models import LockDatePolicy, Outlet

from ..connection.reference_data import refresh_organisation
from ..connection.selectors import ORGANISATION, last_refreshed_at, organisation_data
from ..models import ExportDocument, ExportStatus, Sale, XeroConnection
from ..xero.errors import XeroError

LOCK_KEY_PREFIX = "lock:"
# Xero sends no event when a lock date moves, so while work waits on one the organisation
# is read again this often: at most 96 of the organisation's 5,000 daily calls.
LOCK_RECHECK = datetime.timedelta(minutes=15)
# How far ahead of the oldest unexported day a lock date warns: accountants lock a
# month a few days after it ends, and a daily export runs for yesterday.
WARN_WITHIN_DAYS = 7

LOCKED_HOLD = (
    "Dated {day}, inside the period Xero has locked (up to {lock_date}): held before any "
    "call. Unlock the period in Xero and refresh the reference data, or set the outlet's "
    "lock-date policy to post it on the first open date."
)
POSTED_LATE_NOTE = " (dated {day}; posted on {posted}, the first date Xero's lock leaves open)"
LOCK_WARNING = (
    "Xero's books are locked up to {lock_date}, and {days} day(s) of this outlet's sales "
    "from {first} are not in Xero yet: export them before the lock moves past them, or "
    "they will be {fate}."
)
FATES = {
    LockDatePolicy.HOLD: "held for a person",
    LockDatePolicy.POST_ON_FIRST_OPEN_DATE: "posted on the first open date",
}


class LockedPeriod(Conflict):
    """A document dated inside a locked period, under the policy `hold`."""

    def __init__(self, detail: str, *, waiting_on: str):
        super().__init__(detail)
        self.waiting_on = waiting_on


@dataclass(frozen=True)
class LockRule:
    """The organisation's lock date (None: nothing locked) and the outlet's policy."""

    lock_date: datetime.date | None = None
    policy: str = LockDatePolicy.HOLD

    @property
    def key(self) -> str:
        # What a held document waits on: a new lock date or policy releases it.
        return f"{LOCK_KEY_PREFIX}{self.lock_date}:{self.policy}"


def posting_date(day: datetime.date, rule: LockRule) -> tuple[datetime.date, str]:
    """The date a document of `day` is posted on, and the note its reference then carries.

    Raises LockedPeriod when the day is locked and the policy is to hold.
    """
    if rule.lock_date is None or day > rule.lock_date:
        return day, ""
    if rule.policy != LockDatePolicy.POST_ON_FIRST_OPEN_DATE:
        message = LOCKED_HOLD.format(day=day.isoformat(), lock_date=rule.lock_date.isoformat())
        raise LockedPeriod(message, waiting_on=rule.key)
    posted = rule.lock_date + datetime.timedelta(days=1)
    return posted, POSTED_LATE_NOTE.format(day=day.isoformat(), posted=posted.isoformat())


def recheck_lock_date(connection: XeroConnection, now: datetime.datetime) -> bool:
    """Re-read the organisation's lock dates if work waits on them and the last read is
    older than LOCK_RECHECK; release_fixed then lets go of what a new date frees."""
    held = ExportDocument.objects.filter(
        Q(status=ExportStatus.WAITING) | Q(payments_status=ExportStatus.WAITING),
        connection=connection,
        waiting_on__startswith=LOCK_KEY_PREFIX,
    )
    if not held.exists():
        return False
    last = last_refreshed_at(connection=connection, kind=ORGANISATION)
    if last is not None and last > now - LOCK_RECHECK:
        return False
    try:
        refresh_organisation(connection=connection)
    except XeroError:
        return False  # the call is logged; the next run tries again
    return True


# ---- reads ---------------------------------------------------------------------------------


def organisation_lock_date(connection: XeroConnection) -> datetime.date | None:
    """The later of the period and end-of-year lock dates from the last reference refresh."""
    return lock_date_of(organisation_data(connection))


def lock_date_of(organisation: dict) -> datetime.date | None:
    """The later lock date of a stored Organisation snapshot (reference_data.py)."""
    dates = [organisation.get(k) for k in ("period_lock_date", "end_of_year_lock_date")]
    parsed = [datetime.date.fromisoformat(d) for d in dates if d]
    return max(parsed, default=None)


def lock_rule(outlet: Outlet, connection: XeroConnection) -> LockRule:
    return LockRule(organisation_lock_date(connection), outlet.export_settings.lock_date_policy)


def not_in_xero() -> Q:
    """A sale not in a document yet, or in one that has not reached Xero (nor failed)."""
    # A subquery of the (few) unsent documents, not a join of every sale with its document.
    unsent = ExportDocument.objects.filter(
        status__in=[ExportStatus.PENDING, ExportStatus.WAITING, ExportStatus.SENDING]
    )
    return Q(document__isnull=True) | Q(document__in=unsent)


def oldest_unexported_day(outlet: Outlet) -> tuple[datetime.date | None, int]:
    """The oldest business day with a sale not yet in Xero, and how many such days."""
    found = Sale.objects.filter(not_in_xero(), outlet=outlet).aggregate(
        oldest=Min("business_date"), days=Count("business_date", distinct=True)
    )
    return found["oldest"], found["days"]


def lock_warning_text(rule: LockRule, oldest: datetime.date | None, days: int) -> str | None:
    """The warning when the lock date covers, or is within WARN_WITHIN_DAYS of, the oldest
    day not in Xero; None otherwise."""
    if rule.lock_date is None or oldest is None:
        return None
    if oldest > rule.lock_date + datetime.timedelta(days=WARN_WITHIN_DAYS):
        return None
    return LOCK_WARNING.format(
        lock_date=rule.lock_date.isoformat(),
        days=days,
        first=oldest.isoformat(),
        fate=FATES.get(LockDatePolicy(rule.policy), FATES[LockDatePolicy.HOLD]),
    )


def lock_date_warning(outlet: Outlet, connection: XeroConnection | None) -> str | None:
    """A warning when Xero's lock date covers, or is about to cover, unexported days."""
    if connection is None:
        return None
    rule = lock_rule(outlet, connection)
    if rule.lock_date is None:
        return None
    return lock_warning_text(rule, *oldest_unexported_day(outlet))
