"""Queueing work for the django-q2 worker. Task functions live in tasks.py."""

from django_q.tasks import async_task

from .models import XeroConnection


def queue_reference_refresh(*, connection: XeroConnection) -> str:
    """Queue a refresh of the connection's reference data; returns the task id."""
    return async_task(
        "xero_integration.tasks.refresh_reference_data_task",
        connection.pk,
        task_name=f"reference-data-{connection.pk}",
    )


def queue_export(*, connection_id: int) -> str:
    """Queue an export run for one Xero organisation (runs for one org never overlap)."""
    return async_task(
        "xero_integration.tasks.export_connection_task",
        connection_id,
        task_name=f"export-{connection_id}",
    )
