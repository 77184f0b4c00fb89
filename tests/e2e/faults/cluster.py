"""The processes of a fault run: gunicorn and several `qcluster` workers, each killable.

A worker is started in its own session, so SIGKILL reaches the whole process group at
once (django-q2's sentinel, its pusher, monitor and worker children), as an OOM kill or
a lost machine stops everything without a chance to clean up.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.db import connection as db_connection

from ..conftest import BASE_DIR
from ..servers import Gunicorn

# Worker processes name their database sessions, so one can be cut off mid-export.
WORKER_APPLICATION_NAME = "xero-bridge-worker"


class WorkerProcess:
    def __init__(self, env: dict, log_path: Path):
        self.env, self.log_path = env, log_path
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "qcluster"],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        """SIGKILL to every process of this worker at once: nothing is cleaned up."""
        assert self.process is not None
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


class Cluster:
    """One gunicorn (two workers) and `worker_count` qcluster processes on one database."""

    def __init__(self, *, web_env: dict, worker_env: dict, worker_count: int, folder: Path):
        self.web = Gunicorn(web_env, folder / "web.log", workers=2, port=int(web_env["PORT"]))
        self.workers = [
            WorkerProcess(worker_env, folder / f"worker-{n}.log") for n in range(worker_count)
        ]

    def kill_and_restart_workers(self) -> None:
        for worker in self.workers:
            worker.kill()
        for worker in self.workers:
            worker.start()

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.web.stop()

    def output(self) -> str:
        return "\n".join(f"--- {w.log_path.name} ---\n{w.output()}" for w in self.workers)


def worker_database_url(url: str) -> str:
    """The URL workers use: on PostgreSQL, sessions named so they can be terminated."""
    if not url.startswith("postgres"):
        return url
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}application_name={WORKER_APPLICATION_NAME}"


def terminate_worker_sessions() -> int:
    """pg_terminate_backend every worker session of this database (PostgreSQL only): what a
    database failover, an idle-session killer or an administrator does mid-export."""
    with db_connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = %s AND datname = current_database()",
            [WORKER_APPLICATION_NAME],
        )
        (terminated,) = cursor.fetchone()
    return terminated
