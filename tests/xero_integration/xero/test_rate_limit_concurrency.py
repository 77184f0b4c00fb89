"""Real threads, real database connections: the limits hold when workers race for slots.

The test database is an on-disk SQLite file opened with BEGIN IMMEDIATE (config/settings.py),
so these threads serialise on the write lock just as worker processes do in production.
"""

import threading
import time

import pytest
from django.db import connection as db_connection

from xero_integration.models import XeroCallSlot
from xero_integration.xero import ratelimit
from xero_integration.xero.errors import XeroError

TENANT = "tenant-race"


def _run_in_threads(count, work):
    results, failures = [], []

    def target():
        try:
            results.append(work())
        except XeroError as error:
            failures.append(error)
        finally:
            db_connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, failures


@pytest.mark.django_db(transaction=True)
def test_racing_workers_never_have_more_than_five_calls_in_flight(settings, monkeypatch):
    settings.XERO_CONCURRENT_LIMIT = 5
    monkeypatch.setattr(ratelimit, "CONCURRENT_POLL_SECONDS", 0.02)
    in_flight, peak, lock = [0], [0], threading.Lock()

    def call():
        slot = ratelimit.acquire(TENANT, max_wait=30)
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.05)  # the HTTP call
        with lock:
            in_flight[0] -= 1
        ratelimit.release(slot)
        return slot

    slots, failures = _run_in_threads(12, call)

    assert failures == []
    assert len(set(slots)) == 12
    assert peak[0] <= 5


@pytest.mark.django_db(transaction=True)
def test_racing_workers_never_exceed_the_minute_limit(settings):
    settings.XERO_CONCURRENT_LIMIT = 100
    settings.XERO_MINUTE_LIMIT = 8

    slots, failures = _run_in_threads(12, lambda: ratelimit.acquire(TENANT, max_wait=0))

    assert len(slots) == 8
    assert len(failures) == 4
    assert XeroCallSlot.objects.filter(tenant_id=TENANT).count() == 8
