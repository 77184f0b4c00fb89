"""The API throttle's count: one statement per request, shared by every web process.

DRF's own throttle keeps a list of timestamps in the cache that it reads and writes back,
so two processes answering one key at once would each drop the other's request; a count
in the cache (get, add one, set) needs a transaction that holds the row. Here the database
adds one to the key's row for the period and answers with the new count in the same
statement (an upsert), which is atomic on every backend and one round trip (two on
MariaDB, which reads the count back from LAST_INSERT_ID).
"""

from django.db import connection

from .models import ApiRequestCount


def count_request(key: str, period: int) -> int:
    """This request's number in `key`'s period: the count after adding one."""
    quote = connection.ops.quote_name
    table = quote(ApiRequestCount._meta.db_table)
    key_column, period_column, count = quote("key"), quote("period"), quote("count")
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            # LAST_INSERT_ID(expr) remembers expr for this connection: the count written,
            # whether the row was inserted or updated.
            cursor.execute(
                f"INSERT INTO {table} ({key_column}, {period_column}, {count}) "
                f"VALUES (%s, %s, LAST_INSERT_ID(1)) "
                f"ON DUPLICATE KEY UPDATE {count} = LAST_INSERT_ID({count} + 1)",
                [key, period],
            )
            cursor.execute("SELECT LAST_INSERT_ID()")
        else:
            cursor.execute(
                f"INSERT INTO {table} ({key_column}, {period_column}, {count}) "
                f"VALUES (%s, %s, 1) ON CONFLICT ({key_column}, {period_column}) "
                f"DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {count}",
                [key, period],
            )
        number = int(cursor.fetchone()[0])
    if number == 1:
        # The period's first request: the key's earlier periods are over.
        ApiRequestCount.objects.filter(key=key, period__lt=period).delete()
    return number
