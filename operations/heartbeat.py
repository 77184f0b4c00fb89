"""Worker heartbeats: each django-q2 worker process writes its own row every few seconds.

django-q2's own cluster Stat lives in the cache, which is per process unless a shared
cache is configured, and a periodic task runs at most once a minute (its scheduler looks
every 30 s), too coarse to say "no worker for a minute". So each worker process, when
django-q2 spawns it (the post_spawn signal), starts a daemon thread that updates the
process's row; the health check counts rows seen within WORKER_STALE_SECONDS. Rows are
keyed by host and pid, so this holds across processes and machines, and a busy worker
(a long export) still beats.
"""

import datetime
import logging
import os
import socket
import threading
import time
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# Rows of processes gone for this long are deleted by the next beat of any worker.
FORGET_AFTER = datetime.timedelta(days=1)


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(*, name: str | None = None, now: datetime.datetime | None = None) -> None:
    """This process is alive now."""
    name = name or process_name()
    moment = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(name=name).update(seen_at=moment)
    if not updated:
        host, _, pid = name.rpartition(":")
        WorkerHeartbeat.objects.update_or_create(
            name=name, defaults={"host": host, "pid": int(pid), "seen_at": moment}
        )


def forget_gone(now: datetime.datetime | None = None) -> int:
    """Rows of processes not seen for a day: restarts must not pile rows up forever."""
    cutoff = (now or timezone.now()) - FORGET_AFTER
    deleted, _ = WorkerHeartbeat.objects.filter(seen_at__lt=cutoff).delete()
    return deleted


def start_in_worker(sender: Any = None, proc_name: str = "", **kwargs: Any) -> None:
    """post_spawn receiver: runs in each new worker process."""
    thread = threading.Thread(target=_beat_forever, name="heartbeat", daemon=True)
    thread.start()


def _beat_forever() -> None:
    while True:  # a daemon thread: it ends with its process
        _beat_once()
        time.sleep(settings.WORKER_HEARTBEAT_SECONDS)


def _beat_once() -> None:
    try:
        close_old_connections()
        beat()
        forget_gone()
    except Exception:  # a database hiccup must not kill the thread: the next beat retries
        logger.exception("worker heartbeat failed")
    finally:
        # The thread's own connection is not kept between beats (it would sit idle).
        connection.close()
