"""Exports succeeded and failed, per hour for a day and per day for a month, for the charts.

Counted from the sync logs of the calls that carry documents and payments to Xero (each
call carries up to 50): Xero's answer to each is kept there, history included, while a
document's own row only tells its current state. A batch Xero partly refused counts as
failed. Buckets are in the viewer's time zone.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.db.models.functions import TruncDate, TruncHour

from xero_integration.models import SyncLog

# The Accounting API operations that export (xero_integration/xero/accounting.py).
EXPORT_OPERATIONS = ("create_invoices", "create_credit_notes", "create_payments")
FAILED = (SyncLog.Outcome.FAILED, SyncLog.Outcome.PARTIAL)
HOURS, DAYS = 24, 30


@dataclass(frozen=True)
class Bar:
    label: str
    start: datetime.datetime | datetime.date
    succeeded: int
    failed: int


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]

    @property
    def peak(self) -> int:
        return max([bar.succeeded + bar.failed for bar in self.bars] + [1])

    @property
    def succeeded(self) -> int:
        return sum(bar.succeeded for bar in self.bars)

    @property
    def failed(self) -> int:
        return sum(bar.failed for bar in self.bars)


@dataclass(frozen=True)
class Activity:
    hourly: Chart
    daily: Chart


def export_activity(*, now: datetime.datetime, zone: ZoneInfo) -> Activity:
    local_now = now.astimezone(zone)
    this_hour = local_now.replace(minute=0, second=0, microsecond=0)
    hours = [this_hour - datetime.timedelta(hours=n) for n in reversed(range(HOURS))]
    days = [local_now.date() - datetime.timedelta(days=n) for n in reversed(range(DAYS))]
    by_hour = counts(TruncHour("created_at", tzinfo=zone), since=hours[0])
    since_day = datetime.datetime.combine(days[0], datetime.time(0), tzinfo=zone)
    by_day = counts(TruncDate("created_at", tzinfo=zone), since=since_day)
    return Activity(
        hourly=Chart([bar(f"{h:%H}:00", h, by_hour) for h in hours]),
        daily=Chart([bar(f"{d:%d %b}", d, by_day) for d in days]),
    )


def counts(bucket: TruncHour | TruncDate, *, since: datetime.datetime) -> dict:
    """{bucket start: (succeeded, failed)} in one grouped query."""
    rows = (
        SyncLog.objects.filter(created_at__gte=since, operation__in=EXPORT_OPERATIONS)
        .annotate(bucket=bucket)
        .values("bucket")
        .annotate(
            succeeded=Count("id", filter=Q(outcome=SyncLog.Outcome.SUCCESS)),
            failed=Count("id", filter=Q(outcome__in=FAILED)),
        )
    )
    return {row["bucket"]: (row["succeeded"], row["failed"]) for row in rows}


def bar(label: str, start: datetime.datetime | datetime.date, found: dict) -> Bar:
    succeeded, failed = found.get(start, (0, 0))
    return Bar(label=label, start=start, succeeded=succeeded, failed=failed)
