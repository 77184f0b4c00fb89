"""Several worker PROCESSES calling one tenant at once stay inside Xero's limits.

Each process is a separate Python interpreter with its own database connection, as
django-q2 workers are, sharing only the (test) database and the sandbox Xero. The
sandbox counts what really arrived: calls in progress at once and calls in any window.
Windows are shortened to 6 seconds on both sides so the test takes seconds, not minutes.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from sandbox_xero import running_sandbox
from tests.e2e.conftest import database_url  # the test database, for the child processes
from tests.sandbox_helpers import connect, point_settings_at, sandbox_post, sandbox_state

pytestmark = pytest.mark.django_db(transaction=True)

MINUTE_LIMIT, CONCURRENT_LIMIT, WINDOW_SECONDS = 12, 5, 6
PROCESSES, CALLS_EACH = 8, 4  # 32 calls: three windows' worth
SLOW_SECONDS = 0.3  # each call holds its slot long enough for others to pile up
PROCESS_TIMEOUT = 60

# A worker in miniature (its window shortened by XERO_MINUTE_WINDOW_SECONDS): call Xero, print what came back.
WORKER_SCRIPT = """
import json, sys
import django
django.setup()
from xero_integration.models import XeroConnection
from xero_integration.xero import accounting
connection = XeroConnection.objects.get(pk=int(sys.argv[1]))
names = [accounting.get_organisation(connection)["Name"] for _ in range(int(sys.argv[2]))]
print(json.dumps(names))
"""


def worker_env(settings) -> dict:
    names = [
        "XERO_CLIENT_ID",
        "XERO_CLIENT_SECRET",
        "XERO_TOKEN_URL",
        "XERO_CONNECTIONS_URL",
        "XERO_API_URL",
        "XERO_TIMEOUT_SECONDS",
        "XERO_MINUTE_LIMIT",
        "XERO_CONCURRENT_LIMIT",
    ]
    return {
        **os.environ,
        **{name: str(getattr(settings, name)) for name in names},
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "FERNET_KEYS": ",".join(settings.FERNET_KEYS),
        "XERO_MINUTE_WINDOW_SECONDS": str(WINDOW_SECONDS),
    }


def run_workers(connection_id: int, env: dict) -> list[list[str]]:
    """Start every process at once, then collect each one's answers (or its traceback)."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER_SCRIPT, str(connection_id), str(CALLS_EACH)],
            cwd=Path(django_settings.BASE_DIR),
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(PROCESSES)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=PROCESS_TIMEOUT)
        assert process.returncode == 0, err[-4000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


@pytest.fixture
def sandbox(settings):
    limits: dict[str, Any] = {
        "minute_limit": MINUTE_LIMIT,
        "minute_window_seconds": WINDOW_SECONDS,
        "concurrent_limit": CONCURRENT_LIMIT,
    }
    with running_sandbox(**limits) as base:
        point_settings_at(settings, base)
        settings.XERO_MINUTE_LIMIT = MINUTE_LIMIT
        settings.XERO_CONCURRENT_LIMIT = CONCURRENT_LIMIT
        yield base


def test_worker_processes_together_stay_within_the_concurrent_and_minute_limits(
    sandbox, settings, client, merchant
):
    connection = connect(client, merchant)
    calls = PROCESSES * CALLS_EACH
    slow = {"kind": "slow", "delay": SLOW_SECONDS, "count": calls, "path_contains": "Organisation"}
    sandbox_post(sandbox, "faults", slow)

    results = run_workers(connection.pk, worker_env(settings))

    assert [name for names in results for name in names] == ["Demo Company (AU)"] * calls
    stats = sandbox_state(sandbox)["stats"]
    assert stats["calls"] == calls
    assert stats["rate_limited_count"] == 0, stats["per_tenant"]
    assert stats["max_concurrent"] <= CONCURRENT_LIMIT
    assert stats["max_per_minute"] <= MINUTE_LIMIT
    # The limits were reached, not merely respected by a trickle of calls.
    assert stats["max_concurrent"] >= 2 and stats["max_per_minute"] == MINUTE_LIMIT
