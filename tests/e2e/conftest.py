"""End to end: the sandbox Xero, the service on a real port and a real django-q2 worker.

The test talks to them only over HTTP, as a POS and a merchant's browser would. The one
exception is waiting for the worker: a task's result row is read from the database, so a
failed task fails the test with its traceback instead of a timeout.
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import requests
from django.conf import settings as django_settings
from django.db import connection as db_connection
from django_q.models import Task

from outlets.services import create_api_client, create_merchant, create_outlet
from sandbox_xero import running_sandbox
from tests.sandbox_helpers import point_settings_at

BASE_DIR = Path(django_settings.BASE_DIR)
MERCHANT_ID = "M-E2E"
OTHER_MERCHANT_ID = "M-E2E-OTHER"
STATION = "S1"
WAIT_SECONDS = 45
POLL_SECONDS = 0.2
# Small, so a lost response is retried and then looked up within seconds.
XERO_TIMEOUT_SECONDS = 5
XERO_MAX_RETRIES = 2
# After a lost answer the engine leaves Xero this long before resending or looking up.
UNKNOWN_OUTCOME_WAIT_SECONDS = 1
WORKER_SETTINGS = (
    "XERO_CLIENT_ID",
    "XERO_CLIENT_SECRET",
    "XERO_AUTHORIZE_URL",
    "XERO_TOKEN_URL",
    "XERO_REVOKE_URL",
    "XERO_CONNECTIONS_URL",
    "XERO_API_URL",
    "XERO_REDIRECT_URI",
    "XERO_TIMEOUT_SECONDS",
    "XERO_MAX_RETRIES",
    "XERO_MINUTE_LIMIT",
    "XERO_CONCURRENT_LIMIT",
    "XERO_UNKNOWN_OUTCOME_WAIT_SECONDS",
)


def database_url() -> str:
    """The URL of the database this test runs on (the test database), for a child process."""
    db = db_connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"  # an absolute path: sqlite:////work/...
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    user = quote(db["USER"] or "", safe="")
    scheme, default_port = ("mysql", 3306) if "mysql" in db["ENGINE"] else ("postgres", 5432)
    host, port = db["HOST"] or "localhost", db["PORT"] or default_port
    return f"{scheme}://{user}{password}@{host}:{port}/{db['NAME']}"


def child_env(settings, **extra) -> dict:
    """What a worker process needs to use this test's database, keys and sandbox."""
    env = {**os.environ, "DATABASE_URL": database_url()}
    env.update({name: str(getattr(settings, name)) for name in WORKER_SETTINGS})
    env["FERNET_KEYS"] = ",".join(settings.FERNET_KEYS)  # to read the tokens the web stored
    env.update(extra)
    return env


class Worker:
    """A real `manage.py qcluster` process; its output goes to a file, read on failure."""

    def __init__(self, env: dict, log_path: Path):
        self.log_path = log_path
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "qcluster"],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def wait_for_task(self, task_id: str) -> Task:
        """The finished task; fails the test if it failed or never finished."""
        task = wait_until(lambda: Task.objects.filter(id=task_id).first(), f"task {task_id}", self)
        worker_output = f"\n--- worker ---\n{self.output()}"
        assert task.success, f"task {task.func} failed: {task.result}{worker_output}"
        return task

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def wait_until(check, what: str, worker: Worker | None = None, seconds: float = WAIT_SECONDS):
    """Poll `check` until it returns something truthy; fail with the worker's output if not."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := check():
            return result
        if worker is not None and worker.process.poll() is not None:
            pytest.fail(f"the worker exited while waiting for {what}:\n{worker.output()}")
        time.sleep(POLL_SECONDS)
    output = f"\n--- worker ---\n{worker.output()}" if worker else ""
    pytest.fail(f"timed out after {seconds} s waiting for {what}{output}")


class Pos:
    """The POS platform: the service's REST API with its API key."""

    def __init__(self, base_url: str, api_key: str):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {api_key}"

    def call(self, method: str, path: str, expected: int = 200, **kwargs) -> dict:
        reply = self.session.request(method, self.base_url + path, timeout=30, **kwargs)
        assert reply.status_code == expected, f"{method} {path}: {reply.status_code} {reply.text}"
        return reply.json()

    def get(self, path: str, expected: int = 200, **params) -> dict:
        return self.call("GET", path, expected, params=params)

    def post(self, path: str, body: dict, expected: int = 200) -> dict:
        return self.call("POST", path, expected, json=body)

    def put(self, path: str, body: dict, expected: int = 200) -> dict:
        return self.call("PUT", path, expected, json=body)


# ---- fixtures ----------------------------------------------------------------------------


@pytest.fixture
def sandbox():
    with running_sandbox() as base:
        yield base


@pytest.fixture
def service(live_server, settings, sandbox) -> str:
    """The service on a real port, pointed at the sandbox; its base URL."""
    point_settings_at(settings, sandbox)
    settings.XERO_REDIRECT_URI = live_server.url + "/xero/callback"
    settings.XERO_RETURN_URL_HOSTS = [urlsplit(live_server.url).hostname]
    settings.XERO_TIMEOUT_SECONDS = XERO_TIMEOUT_SECONDS
    settings.XERO_MAX_RETRIES = XERO_MAX_RETRIES
    settings.XERO_UNKNOWN_OUTCOME_WAIT_SECONDS = UNKNOWN_OUTCOME_WAIT_SECONDS
    return live_server.url


@pytest.fixture
def worker(service, settings, tmp_path):
    # Depends on `service` (and so on live_server's transactional database): it is stopped
    # before the database is flushed, and sees every setting the service was given.
    process = Worker(child_env(settings, Q_WORKERS="1"), tmp_path / "worker.log")
    yield process
    process.stop()


@pytest.fixture
def pos(service) -> Pos:
    """A merchant with one outlet, and a POS key that may see it (and not another merchant)."""
    create_merchant(merchant_id=MERCHANT_ID, name="Harbour Cafe", currency="AUD")
    create_merchant(merchant_id=OTHER_MERCHANT_ID, name="Other Bakery", currency="AUD")
    create_outlet(
        merchant_id=MERCHANT_ID,
        pos_station_id=STATION,
        name="Front counter",
        timezone_name="Australia/Sydney",
    )
    key = create_api_client(name="POS platform", merchant_ids=[MERCHANT_ID]).key
    return Pos(service, key)
