"""Sending planned documents and their payments to Xero, exactly once.

The rules:
- a document's row says `sending`, with its batch, before the request leaves; the
  batch's Idempotency-Key is sent unchanged on every retry of that request;
- when the outcome is unknown (timeout, lost connection, 5xx, a worker killed mid-call)
  Xero is asked which of the batch's numbers it already has before anything is resent,
  because Xero keeps idempotency keys only minutes (xero-api-notes §3);
- Xero's own validation errors fail the document with Xero's text and wait for a person.
"""

import datetime
import random
import uuid
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..models import ConnectionStatus, DocumentKind, ExportBatch, ExportDocument, ExportStatus
from ..xero import accounting
from ..xero.errors import AUTH, PERMANENT, XeroError
from .builders import UnmappedError
from .context import build_document, dumps, loads

BATCH_SIZE = 50  # Xero: "a ceiling of about 50 nodes per request is practical" (notes §4)
MAX_ATTEMPTS = 10
BACKOFF_BASE = datetime.timedelta(seconds=30)
BACKOFF_CAP = datetime.timedelta(hours=1)
AUTH_PAUSE = datetime.timedelta(minutes=5)

GAVE_UP = "Gave up after {attempts} attempts. Last error: {error}"
DIFFERENT_IN_XERO = (
    "Xero already has {number} with total {xero_total}, but this export totals {total}: "
    "check the document in Xero, then replay or mark it resolved."
)
PARTLY_PAID = (
    "Xero shows {number} partly paid ({paid} of {total}) after a lost response: check its "
    "payments in Xero, then mark it resolved."
)
NOT_IN_ANSWER = "Xero's answer did not mention {number}."

OPERATIONS = {
    DocumentKind.INVOICE: (accounting.create_invoices, accounting.find_invoices_by_number, "InvoiceNumber", "InvoiceID"),
    DocumentKind.CREDIT_NOTE: (
        accounting.create_credit_notes, accounting.find_credit_notes_by_number, "CreditNoteNumber", "CreditNoteID",
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
    if document.attempts >= MAX_ATTEMPTS:
        return mark_failed(document, GAVE_UP.format(attempts=document.attempts, error=message))
    wait = datetime.timedelta(seconds=retry_after) if retry_after else backoff(document.attempts)
    document.status = ExportStatus.PENDING
    document.not_before = timezone.now() + wait
    document.last_error = message
    document.save()


def pause_connection(connection, exc: XeroError) -> None:
    """Xero refused the connection itself: exports wait until the merchant reconnects."""
    connection.status = ConnectionStatus.NEEDS_RECONNECT
    connection.status_reason = exc.message
    connection.save(update_fields=["status", "status_reason", "updated_at"])


# Claiming a batch -----------------------------------------------------------------

def due_documents(connection, kind: str):
    return ExportDocument.objects.filter(
        connection=connection, kind=kind, status=ExportStatus.PENDING, not_before__lte=timezone.now()
    ).select_related("outlet__export_settings", "connection").order_by("pk")


def with_body(document: ExportDocument) -> ExportDocument | None:
    """The document with its Xero JSON built (once: a body, once built, is what is sent)."""
    if document.body:
        return document
    try:
        built = build_document(document)
    except UnmappedError as exc:
        mark_failed(document, str(exc))
        return None
    document.body, document.payments, document.total = dumps(built.body), dumps(built.payments), built.total
    document.save(update_fields=["body", "payments", "total", "updated_at"])
    return document


@transaction.atomic
def claim_batch(connection, kind: str) -> tuple[ExportBatch | None, list[ExportDocument]]:
    documents = [d for d in map(with_body, due_documents(connection, kind)[:BATCH_SIZE]) if d]
    if not documents:
        return None, []
    batch = ExportBatch.objects.create(
        connection=connection, operation=kind, idempotency_key=f"xb-{uuid.uuid4().hex}"
    )
    ExportDocument.objects.filter(pk__in=[d.pk for d in documents], status=ExportStatus.PENDING).update(
        status=ExportStatus.SENDING, batch=batch, attempts=F("attempts") + 1, updated_at=timezone.now()
    )
    return batch, list(batch.documents.select_related("outlet", "connection").order_by("pk"))


# Sending and reading the answer ---------------------------------------------------

def common_outlet(documents):
    outlets = {d.outlet_id for d in documents}
    return documents[0].outlet if len(outlets) == 1 else None


def send_batch(connection, kind: str, batch: ExportBatch, documents: list[ExportDocument]) -> None:
    create, _, number_key, id_key = OPERATIONS[kind]
    try:
        results = create(
            connection, [loads(d.body) for d in documents],
            idempotency_key=batch.idempotency_key, outlet=common_outlet(documents),
        )
    except XeroError as exc:
        return handle_batch_error(connection, kind, documents, exc)
    by_number = {r.get(number_key): r for r in results}
    unsure = []
    for document in documents:
        element = by_number.get(document.number)
        errors = accounting.element_errors(element) if element else [NOT_IN_ANSWER.format(number=document.number)]
        if not errors:
            mark_sent(document, element.get(id_key))
        elif element is None or any("must be unique" in e for e in errors):
            # Xero has this number already (an earlier, lost response): look it up.
            unsure.append(document)
        else:
            mark_failed(document, " ".join(errors))
    if unsure:
        reconcile(connection, kind, unsure)


def handle_batch_error(connection, kind: str, documents, exc: XeroError) -> None:
    if exc.kind == AUTH:
        pause_connection(connection, exc)
        for document in documents:
            retry_later(document, exc.message, AUTH_PAUSE.total_seconds())
        return
    if exc.kind == PERMANENT and not exc.outcome_unknown:
        for document in documents:
            mark_failed(document, exc.message)
        return
    # Transient: Xero may or may not have stored the batch. Ask before resending.
    reconcile(connection, kind, documents, error=exc)


def reconcile(connection, kind: str, documents, error: XeroError | None = None) -> None:
    """Mark as sent what Xero already has; the rest goes back to pending with a backoff."""
    _, find, number_key, id_key = OPERATIONS[kind]
    try:
        found = {d.get(number_key): d for d in find(connection, [doc.number for doc in documents])}
    except XeroError as exc:
        # Cannot tell: leave them `sending`; the next run recovers them by asking again.
        ExportDocument.objects.filter(pk__in=[d.pk for d in documents]).update(last_error=exc.message)
        return
    for document in documents:
        element = found.get(document.number)
        if element is None:
            message = error.message if error else NOT_IN_ANSWER.format(number=document.number)
            retry_later(document, message, error.retry_after if error else None)
        elif Decimal(str(element.get("Total"))) != document.total:
            mark_failed(document, DIFFERENT_IN_XERO.format(
                number=document.number, xero_total=element.get("Total"), total=document.total))
        else:
            mark_sent(document, element.get(id_key))


def recover_orphans(connection) -> int:
    """Documents left `sending` by a worker that died mid-call: ask Xero what it has.

    Called while holding the connection's export claim, so no live worker is sending.
    """
    orphans = ExportDocument.objects.filter(connection=connection, status=ExportStatus.SENDING)
    recovered = 0
    for kind in DocumentKind.values:
        documents = list(orphans.filter(kind=kind).select_related("outlet"))
        for start in range(0, len(documents), BATCH_SIZE):
            reconcile(connection, kind, documents[start:start + BATCH_SIZE])
        recovered += len(documents)
    return recovered


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
