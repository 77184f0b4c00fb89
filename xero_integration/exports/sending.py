"""Sending planned documents to Xero, exactly once.

The rules:
- a document's row says `sending`, with its batch, before the request leaves; the
  batch's Idempotency-Key is sent unchanged on every retry of that request;
- after an outcome that is unknown (timeout, lost connection, 5xx, a worker killed
  mid-call) nothing is resent at once: a minute later the same batch goes again with
  the same key while Xero still keeps it (about 6 minutes, xero-api-notes §3); after
  that Xero is asked which numbers it has, and only the rest is sent, under a new key;
- Xero's own validation errors fail the document with Xero's text and wait for a person.
"""

import datetime
import logging
import random
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..models import ConnectionStatus, DocumentKind, ExportBatch, ExportDocument, ExportStatus
from ..xero import accounting
from ..xero.errors import AUTH, PERMANENT, XeroError
from .builders import UnmappedError
from .context import build_document, dumps, loads

logger = logging.getLogger(__name__)

BATCH_SIZE = 50  # Xero: "a ceiling of about 50 nodes per request is practical" (notes §4)
BATCH_BYTES = 3_000_000  # under Xero's 3.5 MB request limit (notes §4)
MAX_ATTEMPTS = 10
BACKOFF_BASE = datetime.timedelta(seconds=30)
BACKOFF_CAP = datetime.timedelta(hours=1)
AUTH_PAUSE = datetime.timedelta(minutes=5)
# Xero keeps an idempotency key about 6 minutes; resend under the same key only within 5.
KEY_WINDOW = datetime.timedelta(minutes=5)

GAVE_UP = "Gave up after {attempts} attempts. Last error: {error}"
UNCONFIRMED = (
    "Could not confirm whether Xero has {number} after {attempts} attempts ({error}). "
    "Check Xero, then replay it or mark it resolved."
)
DIFFERENT_IN_XERO = (
    "Xero already has {number}, but not this export (Xero: total {xero_total}, reference "
    "'{xero_reference}'; ours: total {total}, reference '{reference}'). Check the document in "
    "Xero, then replay or mark it resolved."
)
NOT_IN_ANSWER = "Xero's answer did not mention {number}."
NOT_BUILT = "The document could not be built: {error}"


@dataclass(frozen=True)
class DocumentApi:
    """The Xero operations and field names for one kind of document."""

    create: object
    find: object
    number_key: str
    id_key: str


APIS = {
    DocumentKind.INVOICE: DocumentApi(
        accounting.create_invoices, accounting.find_invoices_by_number, "InvoiceNumber", "InvoiceID"
    ),
    DocumentKind.CREDIT_NOTE: DocumentApi(
        accounting.create_credit_notes,
        accounting.find_credit_notes_by_number,
        "CreditNoteNumber",
        "CreditNoteID",
    ),
}


def backoff(attempts: int) -> datetime.timedelta:
    delay = min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)
    return delay * random.uniform(0.5, 1.0)


# Document states ------------------------------------------------------------------


def mark_sent(document: ExportDocument, xero_id: str) -> None:
    document.status = ExportStatus.SENT
    document.xero_id = xero_id or ""
    document.sent_at = timezone.now()
    document.last_error = ""
    if not loads(document.payments or "[]"):
        document.payments_status = ExportStatus.SENT
    document.save()


def mark_failed(document: ExportDocument, message: str) -> None:
    document.status = ExportStatus.FAILED
    document.last_error = message
    document.save()


def retry_later(document: ExportDocument, message: str, retry_after: float | None = None) -> None:
    """Back to pending (Xero does not have it); sent later in a new batch, or given up."""
    if document.attempts >= MAX_ATTEMPTS:
        mark_failed(document, GAVE_UP.format(attempts=document.attempts, error=message))
        return
    wait = datetime.timedelta(seconds=retry_after) if retry_after else backoff(document.attempts)
    document.status = ExportStatus.PENDING
    document.not_before = timezone.now() + wait
    document.last_error = message
    document.save()


def unknown_outcome_wait() -> datetime.timedelta:
    # Time for a request Xero may still be working on to finish before we act on it.
    return datetime.timedelta(seconds=settings.XERO_UNKNOWN_OUTCOME_WAIT_SECONDS)


def wait_for_outcome(documents, message: str) -> None:
    """Stay `sending`: Xero may have them. Recovery resends or looks them up later."""
    ExportDocument.objects.filter(pk__in=[d.pk for d in documents]).update(
        not_before=timezone.now() + unknown_outcome_wait(),
        last_error=message,
        updated_at=timezone.now(),
    )


def pause_connection(connection, exc: XeroError) -> None:
    """Xero refused the connection itself: exports wait until the merchant reconnects."""
    connection.status = ConnectionStatus.NEEDS_RECONNECT
    connection.status_reason = exc.message
    connection.save(update_fields=["status", "status_reason", "updated_at"])


# Claiming a batch -----------------------------------------------------------------


def due_documents(connection, kind: str):
    return (
        ExportDocument.objects.filter(
            connection=connection,
            kind=kind,
            status=ExportStatus.PENDING,
            not_before__lte=timezone.now(),
        )
        .select_related("outlet__export_settings", "connection")
        .order_by("pk")
    )


def with_body(document: ExportDocument) -> ExportDocument | None:
    """The document with its Xero JSON built (once: a body, once built, is what is sent)."""
    if document.body:
        return document
    try:
        built = build_document(document)
    except Exception as exc:  # one unbuildable document must not hold back the others
        logger.exception("Export document %s could not be built", document.number)
        mark_failed(
            document, str(exc) if isinstance(exc, UnmappedError) else NOT_BUILT.format(error=exc)
        )
        return None
    document.body, document.payments, document.total = (
        dumps(built.body),
        dumps(built.payments),
        built.total,
    )
    document.save(update_fields=["body", "payments", "total", "updated_at"])
    return document


def fill_batch(documents) -> list[ExportDocument]:
    chosen, size = [], 0
    for document in filter(None, map(with_body, documents)):
        if chosen and size + len(document.body) > BATCH_BYTES:
            break
        chosen.append(document)
        size += len(document.body)
    return chosen


def new_batch(connection, operation: str) -> ExportBatch:
    return ExportBatch.objects.create(
        connection=connection, operation=operation, idempotency_key=f"xb-{uuid.uuid4().hex}"
    )


def mark_sending(documents, batch: ExportBatch) -> list[ExportDocument]:
    ids = [d.pk for d in documents]
    ExportDocument.objects.filter(pk__in=ids).update(
        status=ExportStatus.SENDING,
        batch=batch,
        attempts=F("attempts") + 1,
        updated_at=timezone.now(),
    )
    return list(
        ExportDocument.objects.filter(pk__in=ids)
        .select_related("outlet", "connection")
        .order_by("pk")
    )


@transaction.atomic
def claim_batch(connection, kind: str) -> tuple[ExportBatch | None, list[ExportDocument]]:
    documents = fill_batch(due_documents(connection, kind)[:BATCH_SIZE])
    if not documents:
        return None, []
    batch = new_batch(connection, kind)
    return batch, mark_sending(documents, batch)


# Sending and reading the answer ---------------------------------------------------


def common_outlet(documents):
    return documents[0].outlet if len({d.outlet_id for d in documents}) == 1 else None


def send_batch(
    connection,
    kind: str,
    batch: ExportBatch,
    documents: list[ExportDocument],
    *,
    resend: bool = False,
) -> None:
    """Send a claimed batch and record each document's outcome.

    A resend after an unknown outcome is one attempt only: retries could run past
    the end of Xero's key window, where the same key would create documents again.
    """
    api = APIS[kind]
    try:
        results = api.create(
            connection,
            [loads(d.body) for d in documents],
            idempotency_key=batch.idempotency_key,
            outlet=common_outlet(documents),
            retry=not resend,
        )
    except XeroError as exc:
        return handle_batch_error(connection, kind, documents, exc)
    by_number = {r.get(api.number_key): r for r in results}
    already_in_xero = []
    for document in documents:
        element = by_number.get(document.number)
        errors = (
            accounting.element_errors(element)
            if element
            else [NOT_IN_ANSWER.format(number=document.number)]
        )
        if not errors:
            mark_sent(document, element.get(api.id_key))
        elif element is None or any("must be unique" in e for e in errors):
            # Xero says it has this number (an earlier, lost answer): look it up.
            already_in_xero.append(document)
        else:
            mark_failed(document, " ".join(errors))
    if already_in_xero:
        reconcile(connection, kind, already_in_xero)


def handle_batch_error(connection, kind: str, documents, exc: XeroError) -> None:
    if exc.outcome_unknown:
        return wait_for_outcome(documents, exc.message)
    if exc.kind == AUTH:
        pause_connection(connection, exc)
        for document in documents:
            retry_later(document, exc.message, AUTH_PAUSE.total_seconds())
    elif exc.kind == PERMANENT and len(documents) > 1:
        # Xero refused the request as a whole (too large, malformed), so it stored
        # nothing: send each document alone to find the one at fault.
        for document in documents:
            alone = new_batch(connection, kind)
            send_batch(connection, kind, alone, mark_sending([document], alone))
    elif exc.kind == PERMANENT:
        mark_failed(documents[0], exc.message)
    else:
        for document in documents:  # never reached Xero (429, limits, config): just later
            retry_later(document, exc.message, exc.retry_after)


# Recovering the unknown ------------------------------------------------------------


def matches(document: ExportDocument, element: dict) -> bool:
    """Is Xero's document with our number really ours? Same total and reference."""
    ours = loads(document.body)
    return Decimal(str(element.get("Total"))) == document.total and element.get(
        "Reference", ours.get("Reference")
    ) == ours.get("Reference")


def look_up(connection, kind: str, documents) -> dict[str, dict]:
    """Xero's documents with these numbers, by number (raises XeroError)."""
    api = APIS[kind]
    found = api.find(connection, [document.number for document in documents])
    return {element.get(api.number_key): element for element in found}


def reconcile(connection, kind: str, documents) -> None:
    """Mark as sent what Xero has; the rest goes back to pending for a new batch."""
    api = APIS[kind]
    try:
        found = look_up(connection, kind, documents)
    except XeroError as exc:
        return lookup_failed(documents, exc)
    for document in documents:
        element = found.get(document.number)
        if element is None:
            retry_later(
                document, document.last_error or NOT_IN_ANSWER.format(number=document.number)
            )
        elif matches(document, element):
            mark_sent(document, element.get(api.id_key))
        else:
            mark_failed(
                document,
                DIFFERENT_IN_XERO.format(
                    number=document.number,
                    xero_total=element.get("Total"),
                    xero_reference=element.get("Reference", ""),
                    total=document.total,
                    reference=loads(document.body).get("Reference", ""),
                ),
            )


def lookup_failed(documents, exc: XeroError) -> None:
    """Still cannot tell: stay `sending` and ask again later, up to a limit."""
    for document in documents:
        document.attempts += 1
        if document.attempts >= MAX_ATTEMPTS:
            mark_failed(
                document,
                UNCONFIRMED.format(
                    number=document.number, attempts=document.attempts, error=exc.message
                ),
            )
        else:
            document.not_before = timezone.now() + backoff(document.attempts)
            document.last_error = exc.message
            document.save()


def can_resend_under_same_key(batch: ExportBatch | None, documents) -> bool:
    """Only the very same request may reuse a key: Xero refuses a key with another body."""
    if batch is None or batch.created_at < timezone.now() - KEY_WINDOW:
        return False
    return batch.documents.count() == len(documents)


def recover_sending(connection) -> int:
    """Documents left `sending` (an unknown outcome, or a worker that died mid-call).

    Called while holding the connection's export claim, so no live worker is sending.
    A batch still within Xero's idempotency window goes again under its own key, so
    Xero replays rather than repeats it; an older one is looked up.
    """
    due = (
        ExportDocument.objects.filter(
            connection=connection, status=ExportStatus.SENDING, not_before__lte=timezone.now()
        )
        .select_related("outlet", "connection", "batch")
        .order_by("batch_id", "pk")
    )
    by_batch: dict[int | None, list[ExportDocument]] = {}
    for document in due:
        by_batch.setdefault(document.batch_id, []).append(document)
    for documents in by_batch.values():
        batch, kind = documents[0].batch, documents[0].kind
        if can_resend_under_same_key(batch, documents):
            send_batch(connection, kind, batch, mark_sending(documents, batch), resend=True)
        else:
            reconcile(connection, kind, documents)
    return sum(len(d) for d in by_batch.values())


def send_documents(connection, kind: str, *, max_batches: int) -> int:
    sent = 0
    for _ in range(max_batches):
        batch, documents = claim_batch(connection, kind)
        if batch is None:
            break
        send_batch(connection, kind, batch, documents)
        sent += len(documents)
        connection.refresh_from_db(fields=["status"])
        if connection.status != ConnectionStatus.ACTIVE:
            break
    return sent
