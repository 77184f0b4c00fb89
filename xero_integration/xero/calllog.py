"""The SyncLog row every call to Xero leaves: opened before the call, closed after it.

Shared by the Accounting API transport and the identity (OAuth) calls, so both record
the same fields and strip secrets the same way (STYLE.md §4).
"""

import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings

from outlets.models import Outlet

from ..models import SyncLog, XeroConnection

REDACTED = "[redacted]"
MAX_URL_CHARS = 500


def open_row(
    *,
    operation: str,
    method: str,
    url: str,
    correlation_id: str,
    attempt: int = 1,
    merchant_id: int | None = None,
    outlet: Outlet | None = None,
    connection: XeroConnection | None = None,
    documents: Iterable[str] = (),
) -> tuple[SyncLog, float]:
    row = SyncLog.objects.create(
        operation=operation,
        merchant_id=merchant_id,
        outlet=outlet,
        connection=connection,
        method=method,
        url=url[:MAX_URL_CHARS],
        attempt=attempt,
        correlation_id=correlation_id,
        documents=list(documents),
    )
    return row, time.monotonic()


def close_row(row: SyncLog, started: float, *, status: int | None, error: str = "") -> None:
    row.outcome = SyncLog.Outcome.FAILED if error else SyncLog.Outcome.SUCCESS
    row.http_status = status
    row.duration_ms = round((time.monotonic() - started) * 1000)
    row.error = error
    row.save(update_fields=["outcome", "http_status", "duration_ms", "error"])


def redact(text: str, secrets: Iterable[str]) -> str:
    """Text bound for a log row or a log line, without the call's secrets or ours."""
    for secret in [*secrets, settings.XERO_CLIENT_SECRET]:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def note_refusals(correlation_id: str, refusals: list[tuple[str, list[str]]], total: int) -> None:
    """Mark the call's last row partly refused (or failed, if Xero refused everything)."""
    if not refusals:
        return
    outcome = SyncLog.Outcome.FAILED if len(refusals) == total else SyncLog.Outcome.PARTIAL
    text = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in refusals)
    _update_last_row(correlation_id, outcome=outcome, error=text)


def mark_failed(*, correlation_id: str, error: str) -> None:
    """Mark the call's last row failed: Xero answered, but with nothing we can use."""
    _update_last_row(correlation_id, outcome=SyncLog.Outcome.FAILED, error=error)


def _update_last_row(correlation_id: str, **fields: Any) -> None:
    row = SyncLog.objects.filter(correlation_id=correlation_id).order_by("-attempt").first()
    if row is not None:
        SyncLog.objects.filter(pk=row.pk).update(**fields)
