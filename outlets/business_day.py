"""An outlet's business day: the one rule for which day a sale belongs to."""

import datetime
from zoneinfo import ZoneInfo


def business_date(
    occurred_at: datetime.datetime, *, timezone: str, start_hour: int
) -> datetime.date:
    """The business day of a moment, in the outlet's zone.

    With a start hour of 4, a sale at 01:30 local time belongs to the previous day's
    takings (a bar that closes after midnight).
    """
    local = occurred_at.astimezone(ZoneInfo(timezone))
    return (local - datetime.timedelta(hours=start_hour)).date()


def business_day_bounds(
    day: datetime.date, *, timezone: str, start_hour: int
) -> tuple[datetime.datetime, datetime.datetime]:
    """The aware start (inclusive) and end (exclusive) of a business day."""
    zone = ZoneInfo(timezone)
    start = datetime.datetime.combine(day, datetime.time(start_hour), tzinfo=zone)
    end = datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time(start_hour), tzinfo=zone
    )
    return start, end
