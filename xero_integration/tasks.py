"""What the django-q2 worker runs: the task functions, and the functions that queue them.

A task loads by id and calls a service, nothing more. django-q2 delivers a task at
least once (redelivered after Q_CLUSTER["retry"] seconds), so every task here must be
harmless when it runs twice. Periodic tasks are declared in periodic.py.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from .connection import reference_data
from .exports import due, engine
from .models import ConnectionStatus, XeroConnection
from .synclogs import purge_old_sync_logs
from .xero import ratelimit, tokens
from .xero.errors import AUTH, XeroError

TASKS = "xero_integration.tasks."


# ---- queueing ------------------------------------------------------------------------------


def enqueue(
    func: str,
    *args: object,
    task_name: str,
    on_queued: Callable[[str], None] | None = None,
) -> str | None:
    """Queue a task once the caller's transaction commits; at once outside a transaction.

    A worker must never run a task about rows it cannot see yet, or that are rolled
    back (STYLE.md §11). Returns the task id when it was queued at once, else None;
    `on_queued` is given the id either way, once there is one.
    """
    queued: list[str] = []

    def send() -> None:
        queued.append(async_task(func, *args, task_name=task_name))
        if on_queued is not None:
            on_queued(queued[0])

    transaction.on_commit(send)
    return queued[0] if queued else None


@dataclass(frozen=True)
class RefreshQueued:
    # The refresh's task id; None until its queuing commits (inside a caller's transaction).
    task_id: str | None
    joined: bool  # a refresh queued earlier, not started yet, fetches it: nothing more is queued


def queue_reference_refresh(*, connection: XeroConnection) -> RefreshQueued:
    """Queue a refresh of the connection's reference data, or join the one already queued."""
    if not reference_data.claim_queued_refresh(connection=connection):
        task_id = reference_data.queued_refresh_task_id(connection_id=connection.pk)
        return RefreshQueued(task_id=task_id, joined=True)
    task_id = enqueue(
        TASKS + "refresh_reference_data_task",
        connection.pk,
        task_name=f"reference-data-{connection.pk}",
        on_queued=lambda queued_id: reference_data.note_queued_refresh(
            connection_id=connection.pk, task_id=queued_id
        ),
    )
    return RefreshQueued(task_id=task_id, joined=False)


def queue_export(*, connection_id: int) -> str | None:
    """Queue an export run for one Xero organisation (runs for one org never overlap)."""
    return enqueue(
        TASKS + "export_connection_task", connection_id, task_name=f"export-{connection_id}"
    )


# ---- tasks ---------------------------------------------------------------------------------


def refresh_idle_connections_task() -> int:
    # Twice is harmless: a second run finds the rows refreshed (not idle), and a
    # concurrent one re-checks each row under the refresh lock before calling Xero.
    return tokens.refresh_idle_connections()


def refresh_connection_task(connection_id: int) -> None:
    # Twice is harmless: refresh_tokens skips a connection whose token is still fresh.
    tokens.refresh_tokens(connection_id=connection_id)


def refresh_reference_data_task(connection_id: int) -> dict[str, int] | None:
    # Twice is harmless: the cache is upserted by Xero id, never appended to.
    reference_data.start_queued_refresh(connection_id=connection_id)
    connection = XeroConnection.objects.filter(pk=connection_id).first()
    if connection is None or connection.status != ConnectionStatus.ACTIVE:
        return None  # disconnected since it was queued: nothing to refresh
    try:
        return reference_data.refresh_reference_data(connection=connection)
    except XeroError as exc:
        if exc.kind != AUTH:
            raise  # the task fails and shows why; the next refresh tries again
        # The Xero client has marked the connection to be reconnected, with the reason.
        return None


def refresh_all_reference_data_task() -> int:
    # One task per connection, so one organisation's failure or retry stays its own.
    active = list(XeroConnection.objects.filter(status=ConnectionStatus.ACTIVE))
    for connection in active:
        queue_reference_refresh(connection=connection)
    return len(active)


def export_connection_task(connection_id: int) -> dict:
    # Twice is harmless: runs for one organisation are serialised by a claim on its row,
    # and a second run finds the work already planned, sent or being sent.
    run = engine.export_connection(connection_id=connection_id)
    if engine.needs_another_run(run):
        queue_export(connection_id=connection_id)
    return asdict(run)


def queue_due_exports_task() -> int:
    """Every minute: one export task per organisation that has work due."""
    # Twice is harmless: a duplicate export task finds the organisation claimed or done.
    connection_ids = due.connections_with_due_work(timezone.now())
    for connection_id in connection_ids:
        queue_export(connection_id=connection_id)
    return len(connection_ids)


def purge_old_sync_logs_task() -> int:
    return purge_old_sync_logs()


def purge_rate_limit_slots_task() -> int:
    return ratelimit.purge_old_slots()
