"""Every periodic job (the schedule definitions), declared in one place.

`python manage.py setup_schedules` (run at release and by scripts/run) writes these
into django-q2's Schedule table by name, so task paths and timings live in code.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: str
    minutes: int
    # Seconds after installation of the first run; keeps two jobs of one task apart.
    offset_seconds: int = 0


TASKS = "xero_integration.tasks."
OPERATIONS_TASKS = "operations.tasks."
PERIODIC_JOBS = [
    # Realtime outlets are exported within a minute; hourly and daily ones when due;
    # retries when their not-before time has passed.
    PeriodicJob("queue-due-exports", TASKS + "queue_due_exports_task", 1),
    # django-q2 schedules by the minute; a second tick half a minute later makes it every
    # 30 s, so work a dead worker left resumes within a minute (its claim's lease plus
    # at most one tick).
    PeriodicJob("queue-due-exports-half-past", TASKS + "queue_due_exports_task", 1, 30),
    # Refresh tokens unused for 30 days: Xero expires a refresh token after 60 idle days.
    PeriodicJob("refresh-idle-xero-connections", TASKS + "refresh_idle_connections_task", 60 * 6),
    PeriodicJob("refresh-reference-data", TASKS + "refresh_all_reference_data_task", 60 * 24),
    PeriodicJob("purge-old-sync-logs", TASKS + "purge_old_sync_logs_task", 60 * 24),
    PeriodicJob("purge-rate-limit-slots", TASKS + "purge_rate_limit_slots_task", 60),
    # Xero's changes are caught without webhooks too: each outlet's last week is read
    # back daily (a webhook event reads its day back within a minute).
    PeriodicJob("reconcile-recent-days", TASKS + "reconcile_recent_days_task", 60 * 24),
    # Operations (the app above this one; named by path, never imported): open and clear
    # problems and alert once per problem, and retry webhooks that are due.
    PeriodicJob("evaluate-alerts", OPERATIONS_TASKS + "evaluate_alerts_task", 1),
    PeriodicJob("deliver-alert-webhooks", OPERATIONS_TASKS + "deliver_webhooks_task", 1),
]


@transaction.atomic
def install_schedules() -> list[str]:
    now = timezone.now()
    for job in PERIODIC_JOBS:
        Schedule.objects.update_or_create(
            name=job.name,
            defaults={
                "func": job.func,
                "schedule_type": Schedule.MINUTES,
                "minutes": job.minutes,
                "repeats": -1,
                "next_run": now + datetime.timedelta(seconds=job.offset_seconds),
            },
        )
    return [job.name for job in PERIODIC_JOBS]
