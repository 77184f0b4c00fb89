"""Django's database cache, with an increment that holds when processes count at once.

The API throttle counts each key's requests with `incr` in the shared cache. Django's
DatabaseCache inherits BaseCache.incr, which reads the value and writes it back: two web
processes counting one key at once both read n and both write n + 1, and a request goes
uncounted. Here the read and the write are one transaction that holds the row: SELECT …
FOR UPDATE on PostgreSQL; on SQLite, transactions BEGIN IMMEDIATE (see settings) and so
already hold the database's write lock. Redis (CACHE_URL=redis://) increments atomically
by itself.
"""

from typing import Any

from django.core.cache.backends import db
from django.db import connections, router, transaction


class DatabaseCache(db.DatabaseCache):
    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        with transaction.atomic(using=alias):
            if connection.features.has_select_for_update:
                table = connection.ops.quote_name(self.cache_model_class._meta.db_table)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",
                        [self.make_and_validate_key(key, version=version)],
                    )
            return super().incr(key, delta, version)
