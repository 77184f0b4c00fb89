"""The database cache counts every increment, even from several processes at once."""

import threading
import time

import pytest
from django.core.cache import caches
from django.db import connections
from django.test.utils import CaptureQueriesContext

from outlets.authentication import ApiKeyRateThrottle

THREADS, EACH = 4, 25


def increment_at_once(cache, key: str) -> None:
    """THREADS threads (each with its own database connection) increment `key` EACH times."""
    start = threading.Barrier(THREADS)

    def work():
        try:
            start.wait()
            for _ in range(EACH):
                cache.incr(key)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.mark.django_db(transaction=True)
def test_increments_made_at_once_are_all_counted():
    cache = caches["default"]
    cache.set("count", 0)

    increment_at_once(cache, "count")

    assert cache.get("count") == THREADS * EACH


def test_expired_entry_is_not_incremented(db):
    cache = caches["default"]
    cache.set("count", 1, timeout=-1)

    with pytest.raises(ValueError):
        cache.incr("count")


def test_increment_keeps_the_entrys_expiry(db):
    # A throttle window's count must end with its window, however often it is counted.
    cache = caches["default"]
    cache.set("count", 1, timeout=2)

    cache.incr("count")
    time.sleep(2.1)

    assert cache.get("count") is None


def test_increment_is_read_back_by_get(db):
    cache = caches["default"]
    cache.set("count", 41)

    assert cache.incr("count") == 42
    assert cache.get("count") == 42


def sql_of_an_increment(cache) -> list[str]:
    with CaptureQueriesContext(connections["default"]) as captured:
        cache.incr("count")
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_an_increment_on_postgresql_does_not_wait_for_the_disk():
    if connections["default"].vendor != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's; SQLite commits as it always does")
    cache = caches["default"]
    cache.set("count", 0)

    assert "SET LOCAL synchronous_commit TO OFF" in sql_of_an_increment(cache)
    assert cache.get("count") == 1


@pytest.mark.django_db
def test_an_increment_inside_a_callers_transaction_leaves_its_commit_durable():
    cache = caches["default"]
    cache.set("count", 0)

    assert not any("synchronous_commit" in sql for sql in sql_of_an_increment(cache))
    assert cache.get("count") == 1


@pytest.mark.django_db
def test_a_throttle_count_that_vanishes_between_add_and_increment_counts_as_first(monkeypatch):

    throttle = ApiKeyRateThrottle()
    cache = throttle.cache
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)  # "another opened it"

    assert throttle.count("vanishing", 60) == 1
    assert cache.get("vanishing") == 1
