"""django-q2 task functions: load by id, call a service, nothing more.

django-q2 delivers a task at least once (redelivered after Q_CLUSTER["retry"] seconds),
so every task here must be harmless when it runs twice.
"""

from dataclasses import asdict

from . import jobs, reference_data, tokens
from .exports import engine, scheduler
from .xero import ratelimit
from .models import ConnectionStatus, XeroConnection


def refresh_idle_connections_task() -> int:
    # Twice is harmless: a second run finds the rows refreshed (not idle), and a
    # concurrent one re-checks each row under the refresh lock before calling Xero.
    return tokens.refresh_idle_connections()


def refresh_connection_task(connection_id: int) -> None:
    # Twice is harmless: refresh_tokens skips a connection whose token is still fresh.
    tokens.refresh_tokens(connection_id=connection_id)


def refresh_reference_data_task(connection_id: int) -> dict[str, int] | None:
    # Twice is harmless: the cache is upserted by Xero id, never appended to.
    connection = XeroConnection.objects.filter(pk=connection_id).first()
    if connection is None or connection.status != ConnectionStatus.ACTIVE:
        return None  # disconnected since it was queued: nothing to refresh
    return reference_data.refresh_reference_data(connection=connection)


def refresh_all_reference_data_task() -> int:
    # One task per connection, so one organisation's failure or retry stays its own.
    active = XeroConnection.objects.filter(status=ConnectionStatus.ACTIVE)
    for connection in active:
        jobs.queue_reference_refresh(connection=connection)
    return active.count()


def export_connection_task(connection_id: int) -> dict:
    # Twice is harmless: runs for one organisation are serialised by a claim on its row,
    # and a second run finds the work already planned, sent or being sent.
    return asdict(engine.export_connection(connection_id=connection_id))


def queue_due_exports_task() -> int:
    # Twice is harmless: a duplicate export task finds the organisation claimed or done.
    return scheduler.queue_due_exports()


def purge_old_sync_logs_task() -> int:
    return scheduler.purge_old_sync_logs()


def purge_rate_limit_slots_task() -> int:
    return ratelimit.purge_old_slots()
