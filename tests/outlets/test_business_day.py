"""An outlet's business day in its IANA zone: which day a sale belongs to, and each day's bounds.

Australia/Sydney springs forward at 02:00 on 2026-10-04 (a 23-hour day) and falls back at
03:00 on 2026-04-05 (a 25-hour day).
"""

import datetime
import itertools

import pytest

from outlets.business_day import business_date, business_day_bounds

SYDNEY = "Australia/Sydney"
UTC = datetime.UTC
SPRING_FORWARD = datetime.date(2026, 10, 4)
FALL_BACK = datetime.date(2026, 4, 5)


def at(moment: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(moment)


def day_of(moment: str, start_hour: int = 0) -> datetime.date:
    return business_date(at(moment), timezone=SYDNEY, start_hour=start_hour)


def bounds(day: datetime.date, start_hour: int = 0):
    return business_day_bounds(day, timezone=SYDNEY, start_hour=start_hour)


def hours_long(day: datetime.date, start_hour: int = 0) -> float:
    # Subtract in UTC: aware datetimes sharing one tzinfo subtract as wall clock time.
    start, end = bounds(day, start_hour)
    return (end.astimezone(UTC) - start.astimezone(UTC)) / datetime.timedelta(hours=1)


def test_sales_at_2330_and_0030_fall_on_consecutive_days():
    assert day_of("2026-11-23T23:30:00+11:00") == datetime.date(2026, 11, 23)
    assert day_of("2026-11-24T00:30:00+11:00") == datetime.date(2026, 11, 24)


def test_utc_moment_is_read_in_the_outlet_zone():
    assert day_of("2026-11-23T13:30:00+00:00") == datetime.date(2026, 11, 24)


def test_with_start_hour_4_a_0030_sale_belongs_to_the_previous_day():
    assert day_of("2026-11-24T00:30:00+11:00", start_hour=4) == datetime.date(2026, 11, 23)


def test_with_start_hour_4_the_new_day_starts_at_0400():
    assert day_of("2026-11-24T03:59:59+11:00", start_hour=4) == datetime.date(2026, 11, 23)
    assert day_of("2026-11-24T04:00:00+11:00", start_hour=4) == datetime.date(2026, 11, 24)


def test_bounds_run_from_the_start_hour_to_the_next_days_start_hour():
    start, end = bounds(datetime.date(2026, 11, 23), start_hour=4)
    assert start == at("2026-11-23T04:00:00+11:00")
    assert end == at("2026-11-24T04:00:00+11:00")


def test_spring_forward_day_is_23_hours_long():
    start, end = bounds(SPRING_FORWARD)
    assert (start, end) == (at("2026-10-04T00:00:00+10:00"), at("2026-10-05T00:00:00+11:00"))
    assert hours_long(SPRING_FORWARD) == 23


def test_fall_back_day_is_25_hours_long():
    assert bounds(FALL_BACK) == (at("2026-04-05T00:00:00+11:00"), at("2026-04-06T00:00:00+10:00"))
    assert hours_long(FALL_BACK) == 25


def test_with_start_hour_4_the_business_day_holding_the_jump_is_23_hours():
    # 04:00 on 3 Oct to 04:00 on 4 Oct spans the 02:00 jump.
    assert hours_long(SPRING_FORWARD - datetime.timedelta(days=1), start_hour=4) == 23
    assert hours_long(SPRING_FORWARD, start_hour=4) == 24


@pytest.mark.parametrize("around", [SPRING_FORWARD, FALL_BACK])
@pytest.mark.parametrize("start_hour", [0, 2, 3, 4])
def test_consecutive_days_touch_without_gap_or_overlap(around, start_hour):
    days = [around + datetime.timedelta(days=n) for n in range(-2, 3)]
    for day, next_day in itertools.pairwise(days):
        assert bounds(day, start_hour)[1] == bounds(next_day, start_hour)[0]


@pytest.mark.parametrize("around", [SPRING_FORWARD, FALL_BACK])
@pytest.mark.parametrize("start_hour", [0, 2, 3, 4])
def test_every_moment_around_a_dst_change_lies_within_its_business_days_bounds(around, start_hour):
    # Every 10 minutes over three days: the business date and the bounds never disagree,
    # so no hour is lost or counted twice.
    midnight_utc = datetime.datetime.combine(around, datetime.time(), tzinfo=UTC)
    moment = midnight_utc - datetime.timedelta(days=1)
    for _ in range(3 * 24 * 6):
        day = business_date(moment, timezone=SYDNEY, start_hour=start_hour)
        start, end = bounds(day, start_hour)
        assert start <= moment < end, (moment, day, start, end)
        moment += datetime.timedelta(minutes=10)
