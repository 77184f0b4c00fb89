"""What the operations dashboard shows, read in a constant number of queries.

Every part aggregates in the database (counts, sums, latest and oldest per outlet as
subqueries), so the number of queries is the same for one outlet or ten thousand sales;
tests/operations/test_query_counts.py holds it to that.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone

from .activity import Activity, export_activity
from .failures import latest_failures
from .limits import OrganisationLimits, organisation_limits
from .outlets import OutletRow, outlet_rows
from .totals import DayTotals, daily_totals

__all__ = ["Dashboard", "dashboard"]


@dataclass(frozen=True)
class Dashboard:
    now: datetime.datetime
    zone: ZoneInfo
    outlets: list[OutletRow]
    totals: list[DayTotals]
    activity: Activity
    organisations: list[OrganisationLimits]
    failures: list


def dashboard(*, zone: ZoneInfo, now: datetime.datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    return Dashboard(
        now=now,
        zone=zone,
        outlets=outlet_rows(now=now),
        totals=daily_totals(now=now),
        activity=export_activity(now=now, zone=zone),
        organisations=organisation_limits(now=now),
        failures=latest_failures(),
    )
