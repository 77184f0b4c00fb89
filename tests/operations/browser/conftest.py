"""Browser tests: Playwright drives Debian's Chromium against the service on a real port,
with a real django-q2 worker and the sandbox Xero (tests/e2e/conftest.py's helpers).

Chromium is never downloaded: the tests use /usr/bin/chromium, installed with apt-get
when it is missing and this process may do so. Where it cannot be had, the tests are
skipped with a loud message saying why, never silently.
"""

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from operations.models import WorkerHeartbeat
from tests.e2e import conftest as e2e
from tests.e2e.conftest import Worker, child_env, wait_until

# The end-to-end fixtures, under their names: the sandbox Xero and the service on a port.
sandbox, service = e2e.sandbox, e2e.service

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
# Quick beats and a short "stale", so stopping the worker shows "degraded" in seconds.
HEARTBEAT_SECONDS = "0.5"
STALE_SECONDS = 3


def loud_skip(reason: str) -> None:
    message = f"BROWSER TESTS SKIPPED: {reason}"
    print(f"\n{'!' * 78}\n{message}\n{'!' * 78}", file=sys.stderr)  # noqa: T201
    warnings.warn(message, stacklevel=2)
    pytest.skip(message)


def install_chromium() -> str | None:
    """apt-get install chromium, when we are root on a Debian-like machine; the error if not."""
    if not shutil.which("apt-get"):
        return "Chromium is not at /usr/bin/chromium and there is no apt-get to install it."
    if os.geteuid() != 0:
        return "Chromium is not at /usr/bin/chromium; run `apt-get install -y chromium` as root."
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            return f"`{' '.join(command)}` failed: {done.stderr.strip()[-500:]}"
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not os.access(CHROMIUM, os.X_OK):
        problem = install_chromium()
        if problem or not os.access(CHROMIUM, os.X_OK):
            loud_skip(problem or "apt-get installed chromium, but not at /usr/bin/chromium.")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        loud_skip("the playwright package is not installed (pip install -e '.[dev]').")
    # Playwright's sync API keeps an asyncio loop in this thread; Django then refuses
    # database calls from it unless told that this (test-only) thread is safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=chromium_path, args=["--headless", "--no-sandbox"]
            )
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-AU")
    context.set_default_timeout(20_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def screenshot(page):
    """Save what the browser shows as tests/operations/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(name: str, *, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def live_settings(service, settings):
    """The running service polls quickly and counts a worker stale after a few seconds."""
    settings.HEALTH_CACHE_SECONDS = 0
    settings.LANDING_POLL_SECONDS = 0.5
    settings.WORKER_STALE_SECONDS = STALE_SECONDS
    settings.DASHBOARD_REFRESH_SECONDS = 2
    return settings


@pytest.fixture
def beating_worker(live_settings, tmp_path):
    """A real `manage.py qcluster` whose heartbeat has reached the database."""
    env = child_env(live_settings, Q_WORKERS="1", WORKER_HEARTBEAT_SECONDS=HEARTBEAT_SECONDS)
    process = Worker(env, tmp_path / "worker.log")
    wait_until(WorkerHeartbeat.objects.exists, "the worker's first heartbeat", process)
    yield process
    process.stop()
