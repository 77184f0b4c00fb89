"""Sending the payments that settle sent documents, each exactly once.

A document's payments go in one request together (never split across two), the
references Xero accepted are remembered so a replay sends only the missing ones, and
an unknown outcome is handled as for documents: the same request again under the same
key within Xero's key window, else a look-up of what Xero shows as paid.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..models import ConnectionStatus, ExportBatch, ExportDocument, ExportStatus
from ..xero import accounting
from ..xero.errors import AUTH, PERMANENT, XeroError
from .context import loads
from .sending import (
    AUTH_PAUSE,
    BATCH_SIZE,
    KEY_WINDOW,
    MAX_ATTEMPTS,
    backoff,
    look_up,
    new_batch,
    pause_connection,
    wait_for_outcome,
)

# Xero's text when a payment is more than what is still due (spec Payment.Amount).
OVERPAID = "exceeds the amount outstanding"
PAYMENT_NOT_IN_ANSWER = "Xero's answer did not mention this payment."
PARTLY_PAID = (
    "Xero shows {number} partly paid ({paid} of {total}) after a lost response: check its "
    "payments in Xero, then mark it resolved."
)
PAYMENTS_GAVE_UP = (
    "Gave up sending the payments of {number} after {attempts} attempts. Last error: {error}"
)
OPERATION = "payments"


def outstanding_payments(document: ExportDocument) -> list[dict]:
    """The document's payments Xero has not accepted yet, pointing at Xero's own id."""
    done = set(document.payments_done)
    payments = [p for p in loads(document.payments or "[]") if p["Reference"] not in done]
    if not document.xero_id:
        return payments
    return [pointing_at(payment, document.xero_id) for payment in payments]


def pointing_at(payment: dict, xero_id: str) -> dict:
    # Xero's id is unambiguous where a number might not be (notes §5.2: either identifies).
    if "Invoice" in payment:
        return {**payment, "Invoice": {"InvoiceID": xero_id}}
    return {**payment, "CreditNote": {"CreditNoteID": xero_id}}


# States ---------------------------------------------------------------------------


def settle(document: ExportDocument, accepted: list[str], errors: list[str]) -> None:
    document.payments_done = sorted(set(document.payments_done) | set(accepted))
    document.payments_status = ExportStatus.FAILED if errors else ExportStatus.SENT
    document.last_error = " ".join(errors)
    document.save()


def payments_later(document: ExportDocument, message: str, wait=None) -> None:
    if document.payments_attempts >= MAX_ATTEMPTS:
        error = PAYMENTS_GAVE_UP.format(
            number=document.number, attempts=document.payments_attempts, error=message
        )
        return settle(document, [], [error])
    document.payments_status = ExportStatus.PENDING
    document.not_before = timezone.now() + (wait or backoff(document.payments_attempts))
    document.last_error = message
    document.save()


# Claiming -------------------------------------------------------------------------


def due_payment_documents(connection):
    return ExportDocument.objects.filter(
        connection=connection,
        status=ExportStatus.SENT,
        payments_status=ExportStatus.PENDING,
        not_before__lte=timezone.now(),
    ).order_by("pk")


def mark_paying(documents, batch: ExportBatch) -> list[ExportDocument]:
    ids = [d.pk for d in documents]
    ExportDocument.objects.filter(pk__in=ids).update(
        payments_status=ExportStatus.SENDING,
        payments_batch=batch,
        payments_attempts=F("payments_attempts") + 1,
        updated_at=timezone.now(),
    )
    return list(ExportDocument.objects.filter(pk__in=ids).order_by("pk"))


@transaction.atomic
def claim_payments(connection) -> tuple[ExportBatch | None, list[ExportDocument]]:
    chosen, count = [], 0
    for document in due_payment_documents(connection):
        size = len(outstanding_payments(document))
        if chosen and count + size > BATCH_SIZE:
            break
        chosen.append(document)
        count += size
    if not chosen:
        return None, []
    batch = new_batch(connection, OPERATION)
    return batch, mark_paying(chosen, batch)


# Sending --------------------------------------------------------------------------


def send_payment_batch(
    connection, batch: ExportBatch, documents: list[ExportDocument], *, resend=False
) -> None:
    per_document = [(d, outstanding_payments(d)) for d in documents]
    payments = [p for _, ps in per_document for p in ps]
    try:
        results = (
            accounting.create_payments(
                connection, payments, idempotency_key=batch.idempotency_key, retry=not resend
            )
            if payments
            else []
        )
    except XeroError as exc:
        return handle_payment_error(connection, documents, exc)
    answers = iter(results)
    for document, document_payments in per_document:
        accepted, errors = [], []
        for payment in document_payments:
            answer = next(answers, None)
            problems = accounting.element_errors(answer) if answer else [PAYMENT_NOT_IN_ANSWER]
            if problems:
                errors += [f"Payment {payment['Reference']}: {p}" for p in problems]
            else:
                accepted.append(payment["Reference"])
        if any(OVERPAID in e for e in errors):
            # Xero says the document is paid already (an earlier, lost answer): see what is.
            document.payments_done = sorted(set(document.payments_done) | set(accepted))
            reconcile_payments(connection, [document])
        else:
            settle(document, accepted, errors)


def handle_payment_error(connection, documents, exc: XeroError) -> None:
    if exc.outcome_unknown:
        return wait_for_outcome(documents, exc.message)
    if exc.kind == AUTH:
        pause_connection(connection, exc)
        for document in documents:
            payments_later(document, exc.message, AUTH_PAUSE)
    elif exc.kind == PERMANENT and len(documents) > 1:
        for document in documents:  # refused as a whole: nothing stored; find the culprit
            alone = new_batch(connection, OPERATION)
            send_payment_batch(connection, alone, mark_paying([document], alone))
    elif exc.kind == PERMANENT:
        settle(documents[0], [], [exc.message])
    else:
        wait = datetime.timedelta(seconds=exc.retry_after) if exc.retry_after else None
        for document in documents:
            payments_later(document, exc.message, wait)


# Recovering -----------------------------------------------------------------------


def paid_in_xero(document: ExportDocument, element: dict) -> Decimal:
    if "AmountPaid" in element:
        return Decimal(str(element["AmountPaid"]))
    return document.total - Decimal(str(element.get("RemainingCredit", document.total)))


def apply_paid_amount(document: ExportDocument, element: dict | None) -> None:
    """After an unknown outcome: Xero's amount paid tells whether our payments landed."""
    payments = loads(document.payments or "[]")
    paid = paid_in_xero(document, element) if element else Decimal(0)
    already = sum(
        (Decimal(str(p["Amount"])) for p in payments if p["Reference"] in document.payments_done),
        Decimal(0),
    )
    if paid == document.total:
        settle(document, [p["Reference"] for p in payments], [])
    elif paid == already:
        payments_later(document, document.last_error)
    else:
        settle(
            document,
            [],
            [PARTLY_PAID.format(number=document.number, paid=paid, total=document.total)],
        )


def reconcile_payments(connection, documents) -> None:
    by_kind: dict[str, list[ExportDocument]] = {}
    for document in documents:
        by_kind.setdefault(document.kind, []).append(document)
    for kind, group in by_kind.items():
        try:
            found = look_up(connection, kind, group)
        except XeroError as exc:
            for document in group:
                payments_later(document, exc.message)
            continue
        for document in group:
            apply_paid_amount(document, found.get(document.number))


def recover_paying(connection) -> None:
    due = (
        ExportDocument.objects.filter(
            connection=connection,
            payments_status=ExportStatus.SENDING,
            not_before__lte=timezone.now(),
        )
        .select_related("payments_batch")
        .order_by("payments_batch_id", "pk")
    )
    by_batch: dict[int | None, list[ExportDocument]] = {}
    for document in due:
        by_batch.setdefault(document.payments_batch_id, []).append(document)
    for documents in by_batch.values():
        batch = documents[0].payments_batch
        fresh = batch is not None and batch.created_at >= timezone.now() - KEY_WINDOW
        whole = fresh and ExportDocument.objects.filter(payments_batch=batch).count() == len(
            documents
        )
        if whole:
            send_payment_batch(connection, batch, mark_paying(documents, batch), resend=True)
        else:
            reconcile_payments(connection, documents)


def send_payments(connection, *, max_batches: int) -> int:
    sent = 0
    for _ in range(max_batches):
        connection.refresh_from_db(fields=["status"])
        if connection.status != ConnectionStatus.ACTIVE:
            break
        batch, documents = claim_payments(connection)
        if batch is None:
            break
        send_payment_batch(connection, batch, documents)
        sent += len(documents)
    return sent
