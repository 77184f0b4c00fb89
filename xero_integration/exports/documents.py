"""The documents lanes: invoices and credit notes, each sent in batches of its own kind.

A document's Xero JSON is built once, when it is first put in a batch, and kept: what is
sent again after an unknown outcome is byte for byte what was built. Xero answers a
batch element by element (summarizeErrors=false); an element that says the number is
taken, or one missing from the answer, means Xero may hold the document from an earlier
request whose answer was lost, so it is looked up by number before anything else.
"""

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from mappings.selectors import mappings_state
from outlets.models import Outlet

from ..models import DocumentKind, ExportBatch, ExportDocument, ExportStatus, XeroConnection
from ..xero import accounting
from .builders import UnmappedError
from .context import Contexts, build_document, dumps, loads
from .customers import CustomerContactPending
from .delivery import OURS, XERO, Lane, fail, retry_later, save_fields, wait_for_fix
from .history import DOCUMENT, record_successes
from .lock_dates import LockedPeriod

logger = logging.getLogger(__name__)

BATCH_BYTES = 3_000_000  # under Xero's 3.5 MB request limit (notes §4)

DIFFERENT_IN_XERO = (
    "Xero already has {number}, but not this export (Xero: total {xero_total}, reference "
    "'{xero_reference}'; ours: total {total}, reference '{reference}'). Check the document in "
    "Xero, then replay or mark it resolved."
)
JOURNAL_DIFFERENT_IN_XERO = (
    "Xero already has a journal narrated '{number}', but with other lines than this export. "
    "Check the journal in Xero, then replay or mark it resolved."
)
NOT_IN_ANSWER = "Xero's answer did not mention {number}."
NOT_BUILT = "The document could not be built: {error}"
GONE = ("DELETED", "VOIDED")
# Xero's text when a number is taken (spec Invoice.InvoiceNumber: unique per organisation).
NUMBER_TAKEN = "must be unique"


def same_total_and_reference(ours: dict, total: Decimal | None, element: dict) -> bool:
    """An invoice or credit note with our number is ours if its total and reference are."""
    same_total = Decimal(str(element.get("Total"))) == total
    return same_total and element.get("Reference", ours.get("Reference")) == ours.get("Reference")


def journal_lines(journal: dict) -> list[tuple[str, Decimal]]:
    lines = journal.get("JournalLines") or []
    return sorted(
        (str(line.get("AccountCode")), Decimal(str(line.get("LineAmount")))) for line in lines
    )


def same_lines(ours: dict, total: Decimal | None, element: dict) -> bool:
    """A journal with our narration is ours if it moves the same amounts on the same
    accounts: narrations are not unique in Xero, and a journal has no total."""
    return journal_lines(element) == journal_lines(ours)


def different_totals(document: ExportDocument, element: dict) -> str:
    return DIFFERENT_IN_XERO.format(
        number=document.number,
        xero_total=element.get("Total"),
        xero_reference=element.get("Reference", ""),
        total=document.total,
        reference=loads(document.body).get("Reference", ""),
    )


def different_lines(document: ExportDocument, element: dict) -> str:
    return JOURNAL_DIFFERENT_IN_XERO.format(number=document.number)


@dataclass(frozen=True)
class DocumentApi:
    """The Xero operations and field names for one kind of document."""

    create: Callable[..., list[dict]]
    find: Callable[[XeroConnection, list[str]], list[dict]]
    number_key: str
    id_key: str
    # Whether Xero's document with our number is this export, and if not, what to say.
    same: Callable[[dict, Decimal | None, dict], bool] = same_total_and_reference
    differs: Callable[[ExportDocument, dict], str] = different_totals
    # Xero keeps a number unique among live documents only where it keeps numbers at all;
    # a journal's narration is not unique, so a voided or deleted one is not ours.
    live_only: bool = False


APIS: dict[str, DocumentApi] = {
    DocumentKind.INVOICE: DocumentApi(
        accounting.create_invoices, accounting.find_invoices_by_number, "InvoiceNumber", "InvoiceID"
    ),
    DocumentKind.CREDIT_NOTE: DocumentApi(
        accounting.create_credit_notes,
        accounting.find_credit_notes_by_number,
        "CreditNoteNumber",
        "CreditNoteID",
    ),
    DocumentKind.MANUAL_JOURNAL: DocumentApi(
        accounting.create_manual_journals,
        accounting.find_manual_journals_by_narration,
        "Narration",
        "ManualJournalID",
        same=same_lines,
        differs=different_lines,
        live_only=True,
    ),
}


def mark_sent(document: ExportDocument, xero_id: str | None) -> None:
    document.status = ExportStatus.SENT
    document.xero_id = xero_id or ""
    document.sent_at = timezone.now()
    document.last_error = ""
    if not loads(document.payments or "[]"):
        document.payments_status = ExportStatus.SENT


def save_sent(documents: list[ExportDocument]) -> None:
    """Xero has them (mark_sent): their changed fields, and their history in two statements
    for the whole batch."""
    save_fields(documents, ["status", "xero_id", "sent_at", "last_error", "payments_status"])
    record_successes(documents, lane=DOCUMENT)


def in_xero(
    connection: XeroConnection,
    kind: str,
    documents: Iterable[ExportDocument],
    *,
    include_gone: bool = False,
) -> dict[str | None, dict]:
    """Xero's documents with these numbers, by number (raises XeroError).

    `include_gone`: for the reconciliation, a journal voided or deleted in Xero is returned
    when no live one has its narration, so it reads as voided rather than missing.
    """
    api = APIS[kind]
    found = api.find(connection, [document.number for document in documents])
    if api.live_only:
        live = [element for element in found if element.get("Status") not in GONE]
        gone = [element for element in found if element.get("Status") in GONE]
        found = (gone if include_gone else []) + live  # later ones win: a live journal
    return {element.get(api.number_key): element for element in found}


# ---- filling a batch -----------------------------------------------------------------------


def with_body(
    lane: Lane, document: ExportDocument, contexts: Contexts, built_now: list[ExportDocument]
) -> ExportDocument | None:
    """The document with its Xero JSON built from today's mappings (added to `built_now`,
    for the caller to save, when built here).

    A pending document is not in Xero, so a body built with mappings that have changed
    since is built again; what goes out is what the mappings say now.
    """
    try:
        ctx, current = contexts.of(document)
        if document.body and document.built_with == current:
            return document
        built = build_document(document, ctx)
    except LockedPeriod as exc:
        wait_for_fix(lane, document, exc.detail, source=OURS, waiting_on=exc.waiting_on)
        return None
    except CustomerContactPending as exc:
        retry_later(lane, document, exc.detail, source=OURS)
        return None
    except UnmappedError as exc:
        wait_for_fix(lane, document, exc.detail, source=OURS)
        return None
    except Exception as exc:  # one unbuildable document must not hold back the others
        logger.exception("Export document %s could not be built", document.number)
        fail(lane, document, NOT_BUILT.format(error=exc), source=OURS)
        return None
    document.body, document.payments = dumps(built.body), dumps(built.payments)
    document.total, document.built_with = built.total, current
    built_now.append(document)
    return document


def fill_batch(
    lane: Lane, documents: Iterable[ExportDocument], contexts: Contexts
) -> list[ExportDocument]:
    chosen: list[ExportDocument] = []
    built_now: list[ExportDocument] = []
    size = 0
    for document in documents:
        if with_body(lane, document, contexts, built_now) is None:
            continue
        if chosen and size + len(document.body) > BATCH_BYTES:
            break
        chosen.append(document)
        size += len(document.body)
    # Saved before any of them is sent (one statement); one built but left for the next
    # batch keeps its body too.
    save_fields(built_now, ["body", "payments", "total", "built_with"])
    return chosen


# ---- sending and reading the answer ------------------------------------------------------


def common_outlet(documents: list[ExportDocument]) -> Outlet | None:
    return documents[0].outlet if len({d.outlet_id for d in documents}) == 1 else None


def send_batch(batch: ExportBatch, documents: list[ExportDocument]) -> list[dict]:
    return APIS[batch.operation].create(
        batch.connection,
        [loads(d.body) for d in documents],
        idempotency_key=batch.idempotency_key,
        outlet=common_outlet(documents),
    )


def read_answer(
    lane: Lane, documents: list[ExportDocument], answer: list[dict]
) -> list[ExportDocument]:
    api = APIS[lane.operation]
    by_number = {element.get(api.number_key): element for element in answer}
    in_doubt, sent, contexts = [], [], Contexts()
    for document in documents:
        element = by_number.get(document.number)
        if element is None:
            in_doubt.append(document)
            continue
        errors = accounting.element_errors(element)
        if not errors:
            mark_sent(document, element.get(api.id_key))
            sent.append(document)
        elif any(NUMBER_TAKEN in e for e in errors):
            in_doubt.append(document)  # an earlier request's answer was lost: look it up
        elif accounting.names_reference_data(errors):
            refused_for_reference_data(lane, document, " ".join(errors), contexts)
        else:
            fail(lane, document, " ".join(errors))
    save_sent(sent)
    return in_doubt


def refused_for_reference_data(
    lane: Lane, document: ExportDocument, message: str, contexts: Contexts
) -> None:
    """Xero refused an account, tax rate or tracking option. A body built before the
    mappings changed (the fix came while the request was in flight) is built again and
    sent; otherwise the document waits for the next fix.

    The mappings' state is read before the body's mappings are compared with today's, so
    a fix committing between the two is either seen by the comparison or leaves the
    document waiting on the older state, which release_fixed then sees has changed.
    """
    before = mappings_state(merchant_id=document.outlet.merchant_id)
    try:
        _, current = contexts.of(document)
    except UnmappedError:
        current = ""  # no context at all now: the rebuild says what is missing
    if current != document.built_with:
        retry_later(lane, document, message, datetime.timedelta(0), source=XERO)
        return
    wait_for_fix(lane, document, message, source=XERO, waiting_on=before)


# ---- asking Xero afterwards ----------------------------------------------------------------


def matches(document: ExportDocument, element: dict) -> bool:
    """Is Xero's document with our number really ours?"""
    return APIS[document.kind].same(loads(document.body), document.total, element)


def look_up(lane: Lane, connection: XeroConnection, documents: list[ExportDocument]) -> None:
    """Mark as sent what Xero has; the rest goes back to pending for a new batch."""
    found = in_xero(connection, lane.operation, documents)
    sent = []
    for document in documents:
        element = found.get(document.number)
        if element is None:
            if document.last_error:
                retry_later(lane, document, document.last_error, source=document.error_source)
            else:
                retry_later(
                    lane, document, NOT_IN_ANSWER.format(number=document.number), source=OURS
                )
        elif matches(document, element):
            mark_sent(document, element.get(APIS[lane.operation].id_key))
            sent.append(document)
        else:
            fail(lane, document, different_in_xero(document, element), source=OURS)
    save_sent(sent)


def different_in_xero(document: ExportDocument, element: dict) -> str:
    return APIS[document.kind].differs(document, element)


def document_lane(kind: str) -> Lane:
    return Lane(
        operation=kind,
        status_field="status",
        attempts_field="attempts",
        batch_field="batch",
        scope=Q(kind=kind),
        fill=fill_batch,
        send=send_batch,
        read_answer=read_answer,
        look_up=look_up,
        describe=lambda document: document.number,
    )


LANES = [document_lane(kind) for kind in DocumentKind.values]
