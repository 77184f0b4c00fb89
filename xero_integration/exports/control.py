"""What people ask of the exporter: sync now, replay, resolve."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from outlets.models import Merchant, Outlet

from ..connection.selectors import connection_for
from ..models import AttemptOutcome, ExportDocument, ExportStatus
from ..tasks import queue_export
from .due import request_export_now
from .history import held_lane, record_attempt
from .readiness import readiness
from .selectors import outlets_in_scope, pending_counts


@dataclass
class SyncRequest:
    queued: list[dict] = field(default_factory=list)
    waiting: list[dict] = field(default_factory=list)


# Held until someone acts: failed for a person, or waiting for a fix that may have come.
HELD = (ExportStatus.FAILED, ExportStatus.WAITING)


def replay_documents(documents: Iterable[ExportDocument], *, by: str = "") -> int:
    """Send failed or waiting documents (or their payments) again; returns how many.

    A document Xero rejected was never stored there, so its JSON is rebuilt from its
    sales with today's mappings. A sent document keeps its body: only its payments go
    again, and only those Xero has not accepted. Exactly-once still holds: numbers are
    unchanged and Xero is asked before anything uncertain is resent.
    """
    replayed = 0
    for document in documents:
        with transaction.atomic():
            if document.status in HELD:
                # `batch` stays set: a late sale must not join a document already tried.
                document.status, document.body, document.payments = ExportStatus.PENDING, "", ""
                document.payments_status, document.attempts = ExportStatus.PENDING, 0
            elif document.status == ExportStatus.SENT and document.payments_status in HELD:
                document.payments_status, document.payments_attempts = ExportStatus.PENDING, 0
            else:
                continue
            document.not_before = timezone.now()
            document.save()
            record_replay(document, by=by)
            replayed += 1
    return replayed


def retry_now(*, document: ExportDocument, by: str) -> bool:
    """Replay one document and queue its organisation's export; False if nothing to replay."""
    with transaction.atomic():
        if not replay_documents([document], by=by):
            return False
        # Queued once the replay commits (tasks.enqueue), so the run sees the reset row.
        queue_export(connection_id=document.connection_id)
    return True


def record_replay(document: ExportDocument, *, by: str) -> None:
    replayed = AttemptOutcome.REPLAYED
    record_attempt(document, lane=held_lane(document), outcome=replayed, by=by or "the POS (API)")


def mark_resolved(documents: QuerySet[ExportDocument], *, by: str = "") -> int:
    """A person fixed it in Xero by hand: stop trying, keep the record.

    A document Xero has (sent) stays sent; only its failed or waiting payments are resolved.
    """
    now = timezone.now()
    for document in documents.filter(Q(status__in=HELD) | Q(payments_status__in=HELD)):
        resolved = AttemptOutcome.RESOLVED
        record_attempt(document, lane=held_lane(document), outcome=resolved, by=by)
    failed_documents = documents.filter(status__in=HELD).update(
        status=ExportStatus.RESOLVED, payments_status=ExportStatus.RESOLVED, updated_at=now
    )
    failed_payments = documents.filter(status=ExportStatus.SENT, payments_status__in=HELD).update(
        payments_status=ExportStatus.RESOLVED, updated_at=now
    )
    return failed_documents + failed_payments


def request_sync(*, merchant: Merchant, outlet: Outlet | None, retry_failed: bool) -> SyncRequest:
    """Queue an export now for the outlet (or every outlet of the merchant)."""
    result = SyncRequest()
    by_connection: dict[int, list[Outlet]] = {}
    for each in outlets_in_scope(merchant, outlet):
        connection = connection_for(merchant=merchant, outlet=each)
        ready = readiness(merchant=merchant, outlet=each, connection=connection)
        if not ready.can_export or connection is None:  # without a connection it never can
            result.waiting.append({"pos_station_id": each.pos_station_id, "reasons": ready.reasons})
            continue
        if retry_failed:
            replay_documents(
                ExportDocument.objects.filter(outlet=each).filter(
                    Q(status=ExportStatus.FAILED) | Q(payments_status=ExportStatus.FAILED)
                )
            )
        by_connection.setdefault(connection.pk, []).append(each)
    for connection_id, outlets in by_connection.items():
        for each in outlets:
            request_export_now(each, timezone.now())
        task_id = queue_export(connection_id=connection_id)
        for each in outlets:
            result.queued.append(
                {"pos_station_id": each.pos_station_id, "task_id": task_id, **pending_counts(each)}
            )
    return result
