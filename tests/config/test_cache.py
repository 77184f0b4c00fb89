"""The database cache counts every increment, even from several processes at once."""

import threading

import pytest
from django.core.cache import caches
from django.db import connections

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
