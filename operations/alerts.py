"""Alerts: compare the problems found now with the rows of problems already open.

A new problem opens a row and is notified once; a problem still there only refreshes
its row; an open row whose problem is gone is cleared and its recovery notified once.
Each notification is claimed with a conditional UPDATE of its timestamp (STYLE.md §9),
so two workers evaluating at once never send the same alert twice.
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import notify
from .found import Found
from .models import Problem
from .problems import current_problems

logger = logging.getLogger(__name__)


def evaluate(now: datetime.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    found = current_problems(now)
    open_rows = {problem.key: problem for problem in Problem.objects.filter(cleared_at=None)}
    opened = [open_problem(p, now) for key, p in found.items() if key not in open_rows]
    for key, problem in open_rows.items():
        if key in found:
            refresh(problem, found[key], now)
    gone = [problem.pk for key, problem in open_rows.items() if key not in found]
    cleared = Problem.objects.filter(pk__in=gone, cleared_at=None).update(cleared_at=now)
    return {
        "opened": sum(1 for row in opened if row),
        "cleared": cleared,
        "alerts": send_alerts(now),
        "recoveries": send_recoveries(now),
    }


def open_problem(found: Found, now: datetime.datetime) -> bool:
    try:
        with transaction.atomic():
            Problem.objects.create(
                key=found.key,
                kind=found.kind,
                merchant_id=found.merchant_id,
                outlet_id=found.outlet_id,
                detail=found.detail,
                opened_at=now,
                last_seen_at=now,
            )
    except IntegrityError:  # another worker opened it a moment ago (one_open_problem)
        return False
    logger.warning(
        "problem opened: %s",
        found.detail,
        extra={"merchant_id": found.merchant_id, "outlet_id": found.outlet_id},
    )
    return True


def refresh(problem: Problem, found: Found, now: datetime.datetime) -> None:
    Problem.objects.filter(pk=problem.pk).update(last_seen_at=now, detail=found.detail)


def send_alerts(now: datetime.datetime) -> int:
    due = Problem.objects.filter(cleared_at=None, notified_at=None).select_related(
        "merchant", "outlet"
    )
    return sum(send_once(problem, "notified_at", notify.OPENED, now) for problem in due)


def send_recoveries(now: datetime.datetime) -> int:
    # A problem that cleared before anyone was told needs no recovery notice.
    due = Problem.objects.filter(
        cleared_at__isnull=False, notified_at__isnull=False, recovery_notified_at=None
    ).select_related("merchant", "outlet")
    return sum(send_once(problem, "recovery_notified_at", notify.CLEARED, now) for problem in due)


def send_once(problem: Problem, stamp: str, event: str, now: datetime.datetime) -> bool:
    claimed = Problem.objects.filter(pk=problem.pk, **{stamp: None}).update(**{stamp: now})
    if claimed != 1:
        return False
    notify.notify(problem, event)
    logger.info(
        "%s: %s",
        event,
        problem.key,
        extra={"merchant_id": problem.merchant_id, "outlet_id": problem.outlet_id},
    )
    return True
