"""The payments lane: the payments that settle sent documents, each exactly once.

A document's payments go in one request together (never split across two), the
references Xero accepted are remembered so a replay sends only the missing ones, and
after an unknown outcome Xero's amount paid on the document tells what landed. Xero
refuses a payment above what is still due, so a payment resent after a lost answer is
refused rather than paid twice.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from ..models import ExportBatch, ExportDocument, ExportStatus, LaterPayment, XeroConnection
from ..xero import accounting
from .builders import UnmappedError, later_payment_reference
from .context import Contexts, build_document, dumps, loads
from .delivery import (
    BATCH_SIZE,
    OURS,
    XERO,
    Lane,
    fail,
    retry_later,
    save_fields,
    wait_for_fix,
)
from .documents import NOT_BUILT, common_outlet, in_xero
from .due import unsent_later_payments
from .history import PAYMENTS, record_successes
from .lock_dates import LockedPeriod

# Xero's text when a payment is more than what is still due (spec Payment.Amount).
OVERPAID = "exceeds the amount outstanding"
PAYMENT_NOT_IN_ANSWER = "Xero's answer did not mention this payment."
PARTLY_PAID = (
    "Xero shows {number} partly paid ({paid} of {total}) after a lost response: check its "
    "payments in Xero, then mark it resolved."
)


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


def settle(lane: Lane, document: ExportDocument, accepted: list[str], errors: list[str]) -> bool:
    """Remember what Xero accepted; the rest waits for a fix or failed with Xero's words,
    or all is paid (True: the caller records the success, once for its whole batch)."""
    document.payments_done = sorted(set(document.payments_done) | set(accepted))
    if errors and accounting.names_reference_data(errors):
        wait_for_fix(lane, document, " ".join(errors), source=XERO)
        return False
    if errors:
        fail(lane, document, " ".join(errors))
        return False
    document.payments_status = ExportStatus.SENT
    document.last_error = ""
    return True


def save_paid(documents: list[ExportDocument]) -> None:
    """All their payments are in Xero (settle): their changed fields, and their history in
    two statements for the whole batch."""
    save_fields(documents, ["payments_done", "xero_payment_ids", "payments_status", "last_error"])
    record_successes(documents, lane=PAYMENTS)


def settle_one(
    lane: Lane, document: ExportDocument, accepted: list[str], errors: list[str]
) -> None:
    paid = settle(lane, document, accepted, errors)
    note_later_payments_in_xero([document])
    save_paid([document] if paid else [])


def note_later_payments_in_xero(documents: list[ExportDocument]) -> None:
    """Payments registered after an on-account sale that Xero has now accepted: one read
    for a whole batch's documents."""
    by_pk = {document.pk: document for document in documents}
    unnoted = LaterPayment.objects.filter(sale__document__in=documents, in_xero_at__isnull=True)
    accepted = [
        pk
        for pk, payment_id, document_pk in unnoted.values_list(
            "pk", "payment_id", "sale__document_id"
        )
        if later_payment_reference(by_pk[document_pk].number, payment_id)
        in set(by_pk[document_pk].payments_done)
    ]
    if accepted:
        LaterPayment.objects.filter(pk__in=accepted).update(in_xero_at=timezone.now())


def reopen_for_later_payments(connection: XeroConnection) -> int:
    """Put the payments of on-account invoices with newly registered payments back in the
    lane; the payments are rebuilt (built_with cleared) to include them."""
    unsent = unsent_later_payments().filter(sale__document__connection=connection)
    ids = set(unsent.values_list("sale__document_id", flat=True))
    return ExportDocument.objects.filter(pk__in=ids, payments_status=ExportStatus.SENT).update(
        payments_status=ExportStatus.PENDING,
        payments_attempts=0,
        built_with="",
        not_before=timezone.now(),
        updated_at=timezone.now(),
    )


# ---- filling, sending, reading -------------------------------------------------------------


def fill_batch(
    lane: Lane, documents: Iterable[ExportDocument], contexts: Contexts
) -> list[ExportDocument]:
    """Whole documents' payments, up to BATCH_SIZE payments in all."""
    chosen: list[ExportDocument] = []
    count = 0
    for document in documents:
        if not with_current_accounts(lane, document, contexts):
            continue
        size = len(outstanding_payments(document))
        if chosen and count + size > BATCH_SIZE:
            break
        chosen.append(document)
        count += size
    return chosen


def with_current_accounts(lane: Lane, document: ExportDocument, contexts: Contexts) -> bool:
    """Payments not yet in Xero name the accounts the mappings name now.

    Only their accounts can change (amounts and references come from the sales), so
    what Xero already accepted stays recognisable by its reference.
    """
    try:
        ctx, current = contexts.of(document)
        if document.built_with == current:
            return True
        document.payments = dumps(build_document(document, ctx).payments)
    except LockedPeriod as exc:
        wait_for_fix(lane, document, exc.detail, source=OURS, waiting_on=exc.waiting_on)
        return False
    except UnmappedError as exc:
        wait_for_fix(lane, document, exc.detail, source=OURS)
        return False
    except Exception as exc:  # one unbuildable document must not hold back the others
        fail(lane, document, NOT_BUILT.format(error=exc), source=OURS)
        return False
    document.built_with = current
    document.save(update_fields=["payments", "built_with", "updated_at"])
    return True


def send_batch(batch: ExportBatch, documents: list[ExportDocument]) -> list[dict]:
    payments = [p for d in documents for p in outstanding_payments(d)]
    if not payments:
        return []
    return accounting.create_payments(
        batch.connection,
        payments,
        idempotency_key=batch.idempotency_key,
        outlet=common_outlet(documents),
    )


def remember_payment_id(document: ExportDocument, reference: str, element: dict | None) -> None:
    # Saved with the document by settle(); only for "Open in Xero" on the payment.
    if element and element.get("PaymentID"):
        document.xero_payment_ids = {**document.xero_payment_ids, reference: element["PaymentID"]}


def read_answer(
    lane: Lane, documents: list[ExportDocument], answer: list[dict]
) -> list[ExportDocument]:
    """Xero answers one element per payment, in the order sent."""
    elements, in_doubt, settled, paid = iter(answer), [], [], []
    for document in documents:
        accepted, errors = [], []
        for payment in outstanding_payments(document):
            element = next(elements, None)
            problems = accounting.element_errors(element) if element else [PAYMENT_NOT_IN_ANSWER]
            if problems:
                errors += [f"Payment {payment['Reference']}: {p}" for p in problems]
            else:
                accepted.append(payment["Reference"])
                remember_payment_id(document, payment["Reference"], element)
        if any(OVERPAID in e for e in errors):
            # Xero says the document is paid already (an earlier, lost answer): see what is.
            document.payments_done = sorted(set(document.payments_done) | set(accepted))
            in_doubt.append(document)
        else:
            settled.append(document)
            if settle(lane, document, accepted, errors):
                paid.append(document)
    note_later_payments_in_xero(settled)
    save_paid(paid)
    return in_doubt


# ---- asking Xero afterwards ----------------------------------------------------------------


def paid_in_xero(document: ExportDocument, element: dict) -> Decimal:
    if "AmountPaid" in element:
        return Decimal(str(element["AmountPaid"]))
    assert document.total is not None  # set when the body was built, before it was sent
    return document.total - Decimal(str(element.get("RemainingCredit", document.total)))


def apply_paid_amount(lane: Lane, document: ExportDocument, element: dict | None) -> None:
    """Xero's amount paid on the document tells whether our payments landed.

    All of them is their sum: the total, or less for a sale paid on account, whose owed
    part is paid by payments registered later.
    """
    payments = loads(document.payments or "[]")
    paid = paid_in_xero(document, element) if element else Decimal(0)
    done = [Decimal(str(p["Amount"])) for p in payments if p["Reference"] in document.payments_done]
    if paid == sum((Decimal(str(p["Amount"])) for p in payments), Decimal(0)):
        settle_one(lane, document, [p["Reference"] for p in payments], [])
    elif paid == sum(done, Decimal(0)):
        retry_later(lane, document, document.last_error)
    else:
        message = PARTLY_PAID.format(number=document.number, paid=paid, total=document.total)
        settle_one(lane, document, [], [message])


def look_up(lane: Lane, connection: XeroConnection, documents: list[ExportDocument]) -> None:
    for kind in sorted({d.kind for d in documents}):
        of_kind = [d for d in documents if d.kind == kind]
        found = in_xero(connection, kind, of_kind)
        for document in of_kind:
            apply_paid_amount(lane, document, found.get(document.number))


LANE = Lane(
    operation="payments",
    status_field="payments_status",
    attempts_field="payments_attempts",
    batch_field="payments_batch",
    scope=Q(status=ExportStatus.SENT),
    fill=fill_batch,
    send=send_batch,
    read_answer=read_answer,
    look_up=look_up,
    describe=lambda document: f"the payments of {document.number}",
)
