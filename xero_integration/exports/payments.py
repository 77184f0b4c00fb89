"""Sending the payments that settle sent documents, each exactly once.

A document's payments go in one request together (never split across two), and the
references Xero accepted are remembered, so a replay sends only the missing ones.
"""

import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..models import ExportBatch, ExportDocument, ExportStatus
from ..xero import accounting
from ..xero.errors import AUTH, PERMANENT, XeroError
from .context import loads
from .sending import BATCH_SIZE, OPERATIONS, PARTLY_PAID, backoff, pause_connection

NOT_IN_ANSWER = "Xero's answer did not mention this payment."


def outstanding_payments(document: ExportDocument) -> list[dict]:
    done = set(document.payments_done)
    return [p for p in loads(document.payments or "[]") if p["Reference"] not in done]


def due_payment_documents(connection):
    return ExportDocument.objects.filter(
        connection=connection, status=ExportStatus.SENT, payments_status=ExportStatus.PENDING,
        not_before__lte=timezone.now(),
    ).order_by("pk")


@transaction.atomic
def claim_payments(connection) -> tuple[ExportBatch | None, list[tuple[ExportDocument, list[dict]]]]:
    chosen, count = [], 0
    for document in due_payment_documents(connection):
        payments = outstanding_payments(document)
        if count + len(payments) > BATCH_SIZE and chosen:
            break
        chosen.append((document, payments))
        count += len(payments)
    if not chosen:
        return None, []
    batch = ExportBatch.objects.create(connection=connection, operation="payments", idempotency_key=f"xb-{uuid.uuid4().hex}")
    ExportDocument.objects.filter(pk__in=[d.pk for d, _ in chosen]).update(
        payments_status=ExportStatus.SENDING, updated_at=timezone.now()
    )
    return batch, chosen


def settle(document: ExportDocument, accepted: list[str], errors: list[str]) -> None:
    document.payments_done = sorted(set(document.payments_done) | set(accepted))
    if errors:
        document.payments_status = ExportStatus.FAILED
        document.last_error = " ".join(errors)
    else:
        document.payments_status = ExportStatus.SENT
        document.last_error = ""
    document.save()


def send_payment_batch(connection, batch, chosen) -> None:
    payments = [p for _, ps in chosen for p in ps]
    if payments:
        try:
            results = accounting.create_payments(connection, payments, idempotency_key=batch.idempotency_key)
        except XeroError as exc:
            return handle_payment_error(connection, chosen, exc)
    else:
        results = []
    results = iter(results)
    for document, document_payments in chosen:
        accepted, errors = [], []
        for payment in document_payments:
            result = next(results, None)
            problems = accounting.element_errors(result) if result else [NOT_IN_ANSWER]
            if problems:
                errors += [f"Payment {payment['Reference']}: {p}" for p in problems]
            else:
                accepted.append(payment["Reference"])
        settle(document, accepted, errors)


def handle_payment_error(connection, chosen, exc: XeroError) -> None:
    documents = [d for d, _ in chosen]
    if exc.kind == AUTH:
        pause_connection(connection, exc)
    if exc.kind == PERMANENT and not exc.outcome_unknown:
        for document in documents:
            settle(document, [], [exc.message])
        return
    reconcile_payments(connection, documents, exc)


def reconcile_payments(connection, documents, exc: XeroError | None = None) -> None:
    """After an unknown outcome: Xero's amount paid tells whether the payments landed."""
    by_kind = {}
    for document in documents:
        by_kind.setdefault(document.kind, []).append(document)
    for kind, group in by_kind.items():
        _, find, number_key, _ = OPERATIONS[kind]
        try:
            found = {d.get(number_key): d for d in find(connection, [doc.number for doc in group])}
        except XeroError as lookup_error:
            ExportDocument.objects.filter(pk__in=[d.pk for d in group]).update(last_error=lookup_error.message)
            continue
        for document in group:
            apply_paid_amount(document, found.get(document.number), exc)


def apply_paid_amount(document: ExportDocument, element: dict | None, exc: XeroError | None) -> None:
    total = document.total
    paid = Decimal(str(element.get("AmountPaid", "0"))) if element else Decimal(0)
    if element is not None and "RemainingCredit" in element and "AmountPaid" not in element:
        paid = total - Decimal(str(element["RemainingCredit"]))
    already = sum((Decimal(str(p["Amount"])) for p in loads(document.payments or "[]")
                   if p["Reference"] in document.payments_done), Decimal(0))
    if paid == total:
        settle(document, [p["Reference"] for p in loads(document.payments or "[]")], [])
    elif paid == already:
        document.payments_status = ExportStatus.PENDING
        document.not_before = timezone.now() + backoff(document.attempts)
        document.last_error = exc.message if exc else ""
        document.save()
    else:
        settle(document, [], [PARTLY_PAID.format(number=document.number, paid=paid, total=total)])


def recover_payment_orphans(connection) -> None:
    orphans = list(ExportDocument.objects.filter(connection=connection, payments_status=ExportStatus.SENDING))
    if orphans:
        reconcile_payments(connection, orphans)


def send_payments(connection, *, max_batches: int) -> int:
    sent = 0
    for _ in range(max_batches):
        batch, chosen = claim_payments(connection)
        if batch is None:
            break
        send_payment_batch(connection, batch, chosen)
        sent += len(chosen)
    return sent
