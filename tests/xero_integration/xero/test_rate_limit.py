"""The per-tenant limits kept in the database: 5 in flight, 60 a minute, 5,000 a day, and blocks.

Time is a fake clock that moves only when the limiter sleeps, so a test can "wait" a minute
instantly. Calls from several processes are played as calls in sequence: what makes them safe
in parallel is the row lock (PostgreSQL) or IMMEDIATE transactions (SQLite); a multi-process run
belongs to the end-to-end suite.
"""

import datetime

import pytest
from django.utils import timezone

from xero_integration.models import XeroCallSlot, XeroTenantLimit
from xero_integration.xero import errors, ratelimit
from xero_integration.xero.errors import XeroError

TENANT = "tenant-1"


class FakeClock:
    def __init__(self):
        self.moment = timezone.now()
        self.sleeps = []
        self.on_sleep = None

    def now(self):
        return self.moment

    def advance(self, seconds):
        self.moment += datetime.timedelta(seconds=seconds)

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.advance(seconds)
        if self.on_sleep:
            self.on_sleep()


@pytest.fixture
def clock(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(ratelimit, "sleep", clock.sleep)
    monkeypatch.setattr(ratelimit, "now", clock.now)
    return clock


@pytest.fixture(autouse=True)
def limits(settings):
    settings.XERO_CONCURRENT_LIMIT = 5
    settings.XERO_MINUTE_LIMIT = 60
    settings.XERO_DAY_LIMIT = 5000
    settings.XERO_TIMEOUT_SECONDS = 30
    settings.XERO_RATE_LIMIT_MAX_WAIT_SECONDS = 120


def _in_flight(tenant=TENANT):
    return XeroCallSlot.objects.filter(tenant_id=tenant, finished_at__isnull=True).count()


@pytest.mark.django_db
def test_five_calls_may_be_in_flight_at_once(clock):
    for _ in range(5):
        ratelimit.acquire(TENANT)

    assert _in_flight() == 5
    assert clock.sleeps == []


@pytest.mark.django_db
def test_sixth_call_in_flight_waits_until_one_finishes(clock):
    slots = [ratelimit.acquire(TENANT) for _ in range(5)]
    clock.on_sleep = lambda: ratelimit.release(slots[0])  # another worker's call ends meanwhile

    ratelimit.acquire(TENANT)

    assert clock.sleeps == [ratelimit.CONCURRENT_POLL_SECONDS]
    assert _in_flight() == 5


@pytest.mark.django_db
def test_sixth_call_gives_up_when_no_slot_frees_within_the_max_wait(clock):
    for _ in range(5):
        ratelimit.acquire(TENANT)

    with pytest.raises(XeroError) as caught:
        ratelimit.acquire(TENANT, max_wait=2)

    assert caught.value.kind == errors.TRANSIENT
    assert caught.value.message == errors.MSG_RATE_LIMIT_WAIT_EXCEEDED.format(
        tenant_id=TENANT, seconds=1
    )
    assert sum(clock.sleeps) <= 2
    assert _in_flight() == 5


@pytest.mark.django_db
def test_released_slots_free_capacity(clock):
    slots = [ratelimit.acquire(TENANT) for _ in range(5)]
    ratelimit.release(slots[2])

    ratelimit.acquire(TENANT)

    assert clock.sleeps == []
    assert XeroCallSlot.objects.get(pk=slots[2]).finished_at == clock.now()


@pytest.mark.django_db
def test_61st_call_within_a_minute_waits_for_the_first_to_leave_the_window(clock):
    first_started = clock.now()
    for _ in range(60):
        ratelimit.release(ratelimit.acquire(TENANT))
        clock.advance(0.5)  # 60 calls over 30 seconds

    ratelimit.acquire(TENANT)

    # The first call leaves the sliding window 60 s after it ended (here: it started): 30 s
    # from now.
    assert clock.sleeps == [pytest.approx(30.0)]
    assert clock.now() == first_started + datetime.timedelta(seconds=60)
    assert XeroCallSlot.objects.filter(tenant_id=TENANT).count() == 61


@pytest.mark.django_db
def test_a_call_counts_in_the_minute_until_a_minute_after_it_ended(clock):
    first_started = clock.now()
    slot = ratelimit.acquire(TENANT)
    clock.advance(5)  # a slow call: Xero may count it as late as its answer
    ratelimit.release(slot)
    for _ in range(59):
        ratelimit.release(ratelimit.acquire(TENANT))

    ratelimit.acquire(TENANT)

    assert clock.now() == first_started + datetime.timedelta(seconds=65)


@pytest.mark.django_db
def test_day_limit_gives_the_worker_back_with_retry_after(clock, settings):
    settings.XERO_DAY_LIMIT = 3
    for _ in range(3):
        ratelimit.release(ratelimit.acquire(TENANT))
        clock.advance(3600)

    with pytest.raises(XeroError) as caught:
        ratelimit.acquire(TENANT)

    # The first of the 3 calls leaves the 24-hour window 21 hours from now.
    assert caught.value.retry_after == pytest.approx(21 * 3600)
    assert clock.sleeps == []


@pytest.mark.django_db
def test_429_retry_after_blocks_the_next_acquire_of_every_process(clock):
    ratelimit.release(ratelimit.acquire(TENANT))
    ratelimit.note_response(
        TENANT, status=429, headers={"Retry-After": "30", "X-Rate-Limit-Problem": "minute"}
    )

    ratelimit.acquire(TENANT)

    assert clock.sleeps == [30.0]
    assert XeroTenantLimit.objects.get(tenant_id=TENANT).block_reason == "minute"


@pytest.mark.django_db
def test_minute_remaining_zero_after_our_own_full_minute_waits_only_for_our_window(clock):
    first_started = clock.now()
    for _ in range(60):
        ratelimit.release(ratelimit.acquire(TENANT))
        clock.advance(0.5)
    ratelimit.note_response(
        TENANT, status=200, headers={"X-MinLimit-Remaining": "0", "X-DayLimit-Remaining": "4000"}
    )

    ratelimit.acquire(TENANT)

    # Not a whole minute from now: when the first of our 60 calls has left the window.
    assert clock.sleeps == [pytest.approx(30.0)]
    assert clock.now() == first_started + datetime.timedelta(seconds=60)


@pytest.mark.django_db
def test_minute_remaining_zero_blocks_for_a_minute(clock):
    ratelimit.release(ratelimit.acquire(TENANT))
    ratelimit.note_response(
        TENANT, status=200, headers={"X-MinLimit-Remaining": "0", "X-DayLimit-Remaining": "4000"}
    )

    ratelimit.acquire(TENANT)

    assert clock.sleeps == [60.0]
    limit = XeroTenantLimit.objects.get(tenant_id=TENANT)
    assert (limit.minute_remaining, limit.day_remaining) == (0, 4000)


@pytest.mark.django_db
def test_day_remaining_zero_blocks_for_an_hour_without_retry_after(clock):
    ratelimit.release(ratelimit.acquire(TENANT))
    ratelimit.note_response(
        TENANT, status=200, headers={"X-MinLimit-Remaining": "50", "X-DayLimit-Remaining": "0"}
    )

    with pytest.raises(XeroError) as caught:
        ratelimit.acquire(TENANT)

    assert caught.value.retry_after == pytest.approx(3600)


@pytest.mark.django_db
def test_a_shorter_block_never_cuts_a_longer_one(clock):
    ratelimit.block_until(TENANT, clock.now() + datetime.timedelta(seconds=50), reason="minute")
    ratelimit.block_until(TENANT, clock.now() + datetime.timedelta(seconds=5), reason="concurrent")

    limit = XeroTenantLimit.objects.get(tenant_id=TENANT)
    assert limit.blocked_until == clock.now() + datetime.timedelta(seconds=50)
    assert limit.block_reason == "minute"


@pytest.mark.django_db
def test_tenants_are_limited_separately(clock):
    for _ in range(5):
        ratelimit.acquire(TENANT)

    ratelimit.acquire("tenant-2")

    assert clock.sleeps == []


@pytest.mark.django_db
def test_slots_of_crashed_workers_stop_counting_as_in_flight(clock):
    for _ in range(5):
        ratelimit.acquire(TENANT)  # never released: the worker died
    clock.advance(61)

    ratelimit.acquire(TENANT)

    assert clock.sleeps == []


@pytest.mark.django_db
def test_old_slots_are_purged_after_25_hours(clock):
    old = ratelimit.acquire(TENANT)
    ratelimit.release(old)
    clock.advance(25 * 3600 + 1)
    recent = ratelimit.acquire(TENANT)

    assert ratelimit.purge_old_slots() == 1
    assert list(XeroCallSlot.objects.values_list("pk", flat=True)) == [recent]
