"""The throttle's count: one atomic statement, shared by every process."""

import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from outlets.models import ApiRequestCount
from outlets.throttle import count_request

THREADS, EACH = 4, 25


def test_each_request_of_a_period_gets_the_next_number(db):
    assert [count_request("key-1", 100) for _ in range(3)] == [1, 2, 3]


def test_keys_are_counted_apart(db):
    count_request("key-1", 100)

    assert count_request("key-2", 100) == 1


def test_a_new_period_counts_from_one_and_forgets_the_keys_earlier_periods(db):
    count_request("key-1", 100)
    count_request("key-1", 100)
    count_request("key-2", 100)

    assert count_request("key-1", 101) == 1
    assert sorted(ApiRequestCount.objects.values_list("key", "period", "count")) == [
        ("key-1", 101, 1),
        ("key-2", 100, 1),
    ]


def test_a_request_within_a_period_is_one_statement(db):
    count_request("key-1", 100)

    with CaptureQueriesContext(connection) as captured:
        count_request("key-1", 100)

    expected = 2 if connection.vendor == "mysql" else 1  # MariaDB reads LAST_INSERT_ID back
    assert len(captured) == expected


@pytest.mark.django_db(transaction=True)
def test_requests_counted_at_once_by_several_connections_are_all_counted():
    numbers: list[int] = []
    start = threading.Barrier(THREADS)

    def work():
        try:
            start.wait()
            for _ in range(EACH):
                numbers.append(count_request("key-1", 100))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Every number given once: no two requests saw the same count.
    assert sorted(numbers) == list(range(1, THREADS * EACH + 1))


def test_the_count_table_is_unlogged_on_postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("UNLOGGED is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relpersistence FROM pg_class WHERE relname = 'outlets_apirequestcount'"
        )
        assert cursor.fetchone()[0] == "u"
