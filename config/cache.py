"""Django's database cache, with an increment that holds when processes count at once.

The API throttle counts each key's requests with `incr` in the shared cache. Django's
DatabaseCache inherits BaseCache.incr, which gets the value and sets it back: two web
processes counting one key at once both read n and both write n + 1, so a request goes
uncounted (and the set also resets the entry's expiry to the default timeout). Here the
read and the write are one transaction that holds the row (SELECT … FOR UPDATE on
PostgreSQL; on SQLite every transaction BEGINs IMMEDIATE, see settings, and so holds the
database's write lock), and only the value is written. Redis (CACHE_URL=redis://)
increments atomically by itself.

Values are stored as Django's DatabaseCache stores them (base64 of a pickle), so get()
and set() read and write the same rows.
"""

import base64
import pickle
from typing import Any

from django.core.cache.backends import db
from django.db import connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.timezone import now


class DatabaseCache(db.DatabaseCache):
    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        name = connection.ops.quote_name
        table = name(self.cache_model_class._meta.db_table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        # Only when this transaction is the outermost: SET LOCAL lasts until the end of the
        # outermost one, and a caller's own writes must stay durable.
        count_only = connection.vendor == "postgresql" and not connection.in_atomic_block
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            if count_only:
                # A count lost in a crash is harmless, so this commit need not wait for
                # the disk: one fsync per API request was what bounded every endpoint
                # (issue 12).
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute(
                f"SELECT {name('value')}, {name('expires')} FROM {table} "
                f"WHERE {name('cache_key')} = %s{lock}",
                [key],
            )
            row = cursor.fetchone()
            if row is None or expired(connection, row[1]):
                raise ValueError(f"Key '{key}' not found")
            value = self.decode(connection, row[0]) + delta
            cursor.execute(
                f"UPDATE {table} SET {name('value')} = %s WHERE {name('cache_key')} = %s",
                [self.encode(value), key],
            )
        return value

    def encode(self, value: Any) -> str:
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")

    def decode(self, connection: BaseDatabaseWrapper, stored: Any) -> Any:
        return pickle.loads(base64.b64decode(connection.ops.process_clob(stored).encode()))


def expired(connection: BaseDatabaseWrapper, expires: Any) -> bool:
    """As DatabaseCache.get_many reads the expires column (each backend's converters)."""
    expression = models.Expression(output_field=models.DateTimeField())
    converters = connection.ops.get_db_converters(expression)
    for converter in converters + expression.get_db_converters(connection):
        expires = converter(expires, expression, connection)
    return expires < now()
