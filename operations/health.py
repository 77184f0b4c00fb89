"""The service's health: can it reach its database, are workers alive, is the queue moving.

Public (no merchant data) and cheap: four aggregate queries, answered from the cache for
HEALTH_CACHE_SECONDS so a load balancer and every open landing page polling it cost the
database almost nothing.
"""

import datetime
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django_q.models import OrmQ

from xero_integration.models import SyncLog

from .models import WorkerHeartbeat

OK, DEGRADED, DOWN = "ok", "degraded", "down"
CACHE_KEY = "operations:health"
HOUR = datetime.timedelta(hours=1)
# Down: the same shape, every figure unknown.
UNKNOWN_QUEUE: dict[str, Any] = {"queued": None, "oldest_age_s": None}
UNKNOWN_WORKERS: dict[str, Any] = {"alive": None, "last_heartbeat_at": None}
UNKNOWN_SYNCS: dict[str, int | None] = {"success": None, "failed": None}


@dataclass(frozen=True)
class Health:
    status: str
    db_latency_ms: float | None
    queue: dict[str, Any]
    workers: dict[str, Any]
    sync_1h: dict[str, int | None]
    version: str

    @property
    def http_status(self) -> int:
        # Degraded still serves requests (the API works; exports wait); down does not.
        return 503 if self.status == DOWN else 200


def version() -> str:
    try:
        return metadata.version("xero-bridge")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return str(settings.SPECTACULAR_SETTINGS["VERSION"])


def cached_health() -> Health:
    """The health, computed at most once per HEALTH_CACHE_SECONDS in each process.

    The process's own memory, not the shared cache: that lives in the database, which is
    what the check must be able to report as down.
    """
    cache = caches["local"]
    found = cache.get(CACHE_KEY)
    if found is not None:
        return Health(**found)
    health = current_health()
    if settings.HEALTH_CACHE_SECONDS > 0:
        cache.set(CACHE_KEY, asdict(health), settings.HEALTH_CACHE_SECONDS)
    return health


def current_health(now: datetime.datetime | None = None) -> Health:
    now = now or timezone.now()
    try:
        latency = db_latency_ms()
        queue, workers, syncs = queue_load(now), worker_liveness(now), syncs_last_hour(now)
    except DatabaseError:
        return Health(DOWN, None, UNKNOWN_QUEUE, UNKNOWN_WORKERS, UNKNOWN_SYNCS, version())
    return Health(status_of(queue, workers), latency, queue, workers, syncs, version())


def status_of(queue: dict[str, Any], workers: dict[str, Any]) -> str:
    """Degraded: no worker seen within WORKER_STALE_SECONDS, or a task waits too long."""
    stuck = (queue["oldest_age_s"] or 0) > settings.HEALTH_QUEUE_STALE_SECONDS
    return DEGRADED if workers["alive"] == 0 or stuck else OK


def db_latency_ms() -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return round((time.perf_counter() - started) * 1000, 2)


def queue_load(now: datetime.datetime) -> dict[str, Any]:
    """Tasks waiting for a worker; the ORM broker stamps `lock` with the enqueue time.

    A task a worker has taken carries a lock in the future (its redelivery time), so
    `lock <= now` is exactly the tasks no worker holds. The table holds only the queue.
    """
    waiting = OrmQ.objects.filter(lock__lte=now).aggregate(queued=Count("id"), oldest=Min("lock"))
    oldest = waiting["oldest"]
    age = round((now - oldest).total_seconds(), 1) if oldest is not None else None
    return {"queued": waiting["queued"], "oldest_age_s": age}


def worker_liveness(now: datetime.datetime) -> dict[str, Any]:
    """Worker processes seen within WORKER_STALE_SECONDS, and the newest beat of any."""
    since = now - datetime.timedelta(seconds=settings.WORKER_STALE_SECONDS)
    # Both from the seen_at index.
    beats = WorkerHeartbeat.objects.aggregate(
        alive=Count("id", filter=Q(seen_at__gte=since)), last=Max("seen_at")
    )
    return {"alive": beats["alive"], "last_heartbeat_at": beats["last"]}


def syncs_last_hour(now: datetime.datetime) -> dict[str, int | None]:
    """Calls to Xero in the last hour by outcome (the created_at index bounds the scan)."""
    outcomes = SyncLog.objects.filter(created_at__gte=now - HOUR).aggregate(
        success=Count("id", filter=Q(outcome=SyncLog.Outcome.SUCCESS)),
        failed=Count("id", filter=Q(outcome__in=[SyncLog.Outcome.FAILED, SyncLog.Outcome.PARTIAL])),
    )
    return {"success": outcomes["success"], "failed": outcomes["failed"]}
