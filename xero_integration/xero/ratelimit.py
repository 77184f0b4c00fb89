"""Xero's per-tenant rate limits, kept across every worker process through the database.

Xero allows per tenant 5 calls in progress, 60 per minute and 5,000 per day, and answers
429 with Retry-After past the minute or day limit (developer.xero.com/documentation/oauth2/limits,
notes §2). Xero counts fixed windows that reset at a different time for each tenant; we
count sliding windows, which are never laxer than any fixed window of the same length.

Each call takes a `XeroCallSlot` row while the tenant's `XeroTenantLimit` row is locked, so
two processes cannot both take the last free slot. No HTTP happens while the lock is held,
and waiting happens outside the transaction.
"""

import datetime
import logging
import math
import random
import time
from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import ConnectionStatus, XeroCallSlot, XeroConnection, XeroTenantLimit
from .errors import MSG_RATE_LIMIT_WAIT_EXCEEDED, TRANSIENT, XeroError, retry_after_seconds

logger = logging.getLogger(__name__)

DAY = datetime.timedelta(hours=24)
# No window counts a slot older than this (the day window reaches back 24 h).
PURGE_AFTER = datetime.timedelta(hours=25)
PURGE_PROBABILITY = 0.01
# We cannot know when another process's call will end, so a full tenant is polled.
CONCURRENT_POLL_SECONDS = 0.5
# Xero sends no Retry-After when X-DayLimit-Remaining reaches 0 on a successful answer.
DAY_EXHAUSTED_BLOCK = datetime.timedelta(hours=1)

# Patched by tests: a fake clock advances when they "sleep".
now = timezone.now
sleep = time.sleep


def concurrent_limit() -> int:
    return getattr(settings, "XERO_CONCURRENT_LIMIT", 5)


def minute_limit() -> int:
    return getattr(settings, "XERO_MINUTE_LIMIT", 60)


def minute_window() -> datetime.timedelta:
    # 60 s against Xero; benchmarks shorten it together with the sandbox's window, to
    # measure a minute's use in seconds.
    return datetime.timedelta(seconds=getattr(settings, "XERO_MINUTE_WINDOW_SECONDS", 60))


def day_limit() -> int:
    return getattr(settings, "XERO_DAY_LIMIT", 5000)


def tenant_day_limit(tenant_id: str) -> int:
    """XERO_DAY_LIMIT, or less when the organisation's plan gives it fewer calls a day
    (XeroConnection.daily_call_limit: 1,000 on Xero's Starter plan)."""
    budgets = XeroConnection.objects.filter(tenant_id=tenant_id).exclude(
        status=ConnectionStatus.DISCONNECTED
    )
    smallest = budgets.aggregate(smallest=Min("daily_call_limit"))["smallest"]
    return min(day_limit(), smallest) if smallest else day_limit()


def max_wait_seconds() -> float:
    # Like transport.MAX_INLINE_WAIT_SECONDS: a worker sleeps at most a minute, well inside
    # the task timeout (Q_TIMEOUT); a longer wait is handed back to the caller's retry state.
    return getattr(settings, "XERO_RATE_LIMIT_MAX_WAIT_SECONDS", 60)


def acquire(tenant_id: str, *, max_wait: float | None = None) -> int:
    """Wait for a free call slot of the tenant and take it; returns the slot id.

    Raises XeroError(transient) with retry_after when the wait would exceed max_wait
    (seconds, default XERO_RATE_LIMIT_MAX_WAIT_SECONDS), so a task can give up its worker
    and retry later instead of sleeping through a day-limit block.
    """
    budget = max_wait_seconds() if max_wait is None else max_wait
    deadline = now() + datetime.timedelta(seconds=budget)
    while True:
        slot_id, wait = _try_acquire(tenant_id)
        if slot_id is not None:
            return slot_id
        if now() + datetime.timedelta(seconds=wait) > deadline:
            raise _wait_exceeded(tenant_id, wait)
        logger.info("xero rate limit: tenant %s waits %.1f s", tenant_id, wait)
        sleep(wait)


def release(slot_id: int) -> None:
    """The call has ended (however it ended): its slot no longer counts as in flight."""
    XeroCallSlot.objects.filter(pk=slot_id, finished_at__isnull=True).update(finished_at=now())
    if random.random() < PURGE_PROBABILITY:
        purge_old_slots()


def note_response(tenant_id: str, *, status: int, headers: Mapping[str, str] | None) -> None:
    """Record what Xero said about the limits, so every process waits when it must."""
    minute_left = _int_header(headers, "X-MinLimit-Remaining")
    day_left = _int_header(headers, "X-DayLimit-Remaining")
    if minute_left is not None or day_left is not None:
        XeroTenantLimit.objects.filter(tenant_id=tenant_id).update(
            minute_remaining=minute_left, day_remaining=day_left, remaining_read_at=now()
        )
    block, reason = _block_for(status, headers, minute_left, day_left)
    if block is not None and not (
        status != 429 and reason == "minute" and _own_minute_is_full(tenant_id)
    ):
        block_until(tenant_id, now() + block, reason=reason)


def _own_minute_is_full(tenant_id: str) -> bool:
    """Whether our own calls fill the tenant's minute. Then Xero's "none left" is about
    them, and our sliding window already holds the next call back until the first of them
    leaves it; blocking a whole minute on top would leave the rest of it unused (a busy
    organisation used a third of its minute, issue 12). When the minute is not full of
    ours, another integration shares it: block the whole minute, as we cannot know when
    Xero's window ends."""
    # Xero counted when it received the last call; we look from when its answer came back,
    # up to a call's timeout later, so we look back that much further.
    reach = minute_window() + datetime.timedelta(seconds=settings.XERO_TIMEOUT_SECONDS)
    recent = XeroCallSlot.objects.filter(tenant_id=tenant_id, started_at__gt=now() - reach)
    return recent.count() >= minute_limit()


def block_until(tenant_id: str, until: datetime.datetime, *, reason: str) -> None:
    """No call to the tenant starts before `until` (an earlier block is extended, never cut)."""
    XeroTenantLimit.objects.get_or_create(tenant_id=tenant_id)
    # Conditional UPDATE: a concurrent, longer block set by another process wins.
    XeroTenantLimit.objects.filter(tenant_id=tenant_id).filter(
        Q(blocked_until__isnull=True) | Q(blocked_until__lt=until)
    ).update(blocked_until=until, block_reason=reason)
    logger.warning("xero rate limit: tenant %s blocked until %s (%s)", tenant_id, until, reason)


def purge_old_slots() -> int:
    """Delete slots no window counts any more; returns how many."""
    deleted, _ = XeroCallSlot.objects.filter(started_at__lt=now() - PURGE_AFTER).delete()
    return deleted


def _try_acquire(tenant_id: str) -> tuple[int | None, float]:
    """In one short transaction: lock the tenant row, count, take a slot if every limit allows."""
    # The tenant's row exists before any lock is taken: on MariaDB and MySQL, transactions
    # racing to lock and insert a row that is not there yet deadlock on the duplicate-key
    # check, so the first call for a new tenant creates it on its own.
    XeroTenantLimit.objects.get_or_create(tenant_id=tenant_id)
    with transaction.atomic():
        limit = _locked_limit(tenant_id)
        moment = now()
        wait = _seconds_to_wait(limit, moment)
        if wait > 0:
            return None, wait
        return XeroCallSlot.objects.create(tenant_id=tenant_id, started_at=moment).pk, 0.0


def _locked_limit(tenant_id: str) -> XeroTenantLimit:
    # select_for_update serialises slot-taking per tenant on PostgreSQL and MariaDB; on SQLite it is a
    # no-op and the write lock of an IMMEDIATE transaction does the same job.
    return XeroTenantLimit.objects.select_for_update().get(tenant_id=tenant_id)


def _seconds_to_wait(limit: XeroTenantLimit, moment: datetime.datetime) -> float:
    if limit.blocked_until and limit.blocked_until > moment:
        return (limit.blocked_until - moment).total_seconds()
    slots = XeroCallSlot.objects.filter(tenant_id=limit.tenant_id)
    if _in_flight(slots, moment) >= concurrent_limit():
        return CONCURRENT_POLL_SECONDS
    # A finished call counts in the minute from when it finished: Xero counts it somewhere
    # between receiving it and answering, so it never leaves our minute before Xero's
    # (which _own_minute_is_full relies on). Calls in flight count from their start.
    counted = slots.annotate(counted_at=Coalesce("finished_at", "started_at"))
    return max(
        _window_wait(counted, moment, minute_window(), minute_limit(), since="counted_at"),
        _window_wait(slots, moment, DAY, tenant_day_limit(limit.tenant_id)),
    )


def _in_flight(slots: QuerySet[XeroCallSlot], moment: datetime.datetime) -> int:
    # A slot unfinished long after any call could have timed out belongs to a crashed
    # worker; counting it forever would shrink the tenant's concurrency for good.
    stale = moment - datetime.timedelta(seconds=2 * settings.XERO_TIMEOUT_SECONDS)
    return slots.filter(finished_at__isnull=True, started_at__gt=stale).count()


def _window_wait(
    slots: QuerySet[XeroCallSlot],
    moment: datetime.datetime,
    window: datetime.timedelta,
    limit: int,
    *,
    since: str = "started_at",
) -> float:
    """Seconds until fewer than `limit` slots count (from `since`) within `window` before now."""
    recent = slots.filter(**{f"{since}__gt": moment - window})
    count = recent.count()
    if count < limit:
        return 0.0
    # The slot whose leaving the window brings the count below the limit.
    leaving = recent.order_by(since).values_list(since, flat=True)[count - limit]
    return max((leaving + window - moment).total_seconds(), 0.001)


def _block_for(
    status: int,
    headers: Mapping[str, str] | None,
    minute_left: int | None,
    day_left: int | None,
) -> tuple[datetime.timedelta | None, str]:
    """How long every process must wait after this answer, and why (None: no need)."""
    retry_after = retry_after_seconds(headers)
    if status == 429:
        problem = (headers or {}).get("X-Rate-Limit-Problem") or "429"
        seconds = retry_after if retry_after is not None else CONCURRENT_POLL_SECONDS
        return datetime.timedelta(seconds=seconds), problem
    if day_left == 0:
        if retry_after is None:
            return DAY_EXHAUSTED_BLOCK, "day"
        return datetime.timedelta(seconds=retry_after), "day"
    if minute_left == 0:
        # The fixed minute window ends within a minute; we do not know exactly when.
        return minute_window(), "minute"
    return None, ""


def _int_header(headers: Mapping[str, str] | None, name: str) -> int | None:
    value = (headers or {}).get(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _wait_exceeded(tenant_id: str, wait: float) -> XeroError:
    seconds = max(1, math.ceil(wait))
    message = MSG_RATE_LIMIT_WAIT_EXCEEDED.format(tenant_id=tenant_id, seconds=seconds)
    return XeroError(message, kind=TRANSIENT, retry_after=wait, rate_limited=True)
