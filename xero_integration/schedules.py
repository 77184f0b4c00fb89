"""Every periodic job, declared in one place.

`python manage.py setup_schedules` (run at release and by scripts/run) writes these
into django-q2's Schedule table by name, so task paths and timings live in code.
"""

from dataclasses import dataclass

from django.db import transaction
from django_q.models import Schedule


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: str
    minutes: int


PERIODIC_JOBS = [
    # Refresh tokens unused for 30 days: Xero expires a refresh token after 60 idle days.
    PeriodicJob("refresh-idle-xero-connections", "xero_integration.tasks.refresh_idle_connections_task", 60 * 6),
    PeriodicJob("refresh-reference-data", "xero_integration.tasks.refresh_all_reference_data_task", 60 * 24),
]


@transaction.atomic
def install_schedules() -> list[str]:
    for job in PERIODIC_JOBS:
        Schedule.objects.update_or_create(
            name=job.name,
            defaults={
                "func": job.func,
                "schedule_type": Schedule.MINUTES,
                "minutes": job.minutes,
                "repeats": -1,
            },
        )
    return [job.name for job in PERIODIC_JOBS]
