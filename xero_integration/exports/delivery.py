"""Delivering export documents and their payments to Xero exactly once: one life cycle, lanes.

Documents (invoices, credit notes) and the payments that settle them live the same life
(STYLE.md §19). A lane (documents.py, payments.py) says only which work is its own, how
a batch of it is filled and sent, how Xero's answer is read and how Xero is asked
afterwards; everything else is here, once. On the lane's status field:

    pending ──claim──▶ sending ──Xero answers──▶ sent │ failed │ pending (later)
                          └──outcome unknown──▶ sending, asked about again later

- A claim writes `sending` and the batch before the request leaves; the batch's
  Idempotency-Key is sent unchanged on every retry of that request.
- After an outcome that is unknown (timeout, lost connection, 5xx, a worker killed
  mid-call) nothing is resent: once Xero has had time to finish
  (XERO_UNKNOWN_OUTCOME_WAIT_SECONDS), it is asked which of the documents it holds, and
  only the rest is sent again, in a new batch under a new key. This leans neither on how
  long Xero keeps idempotency keys (not confirmed, notes §3) nor on its refusing a
  duplicate number (which the sandbox can switch off).
- Xero's validation errors fail the work with Xero's own text and wait for a person;
  transient errors bring it back later with backoff, up to MAX_ATTEMPTS.
"""

import datetime
import random
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from mappings.selectors import mappings_state

from ..connection.selectors import latest_refresh
from ..models import (
    AttemptOutcome,
    ConnectionStatus,
    ErrorSource,
    ExportBatch,
    ExportDocument,
    ExportStatus,
    Sale,
    XeroConnection,
)
from ..xero.errors import AUTH, PERMANENT, XeroError
from .builders import UnmappedError
from .context import Contexts, export_context, fingerprint
from .history import lane_of, record_attempt
from .lock_dates import LOCK_KEY_PREFIX, LockRule, organisation_lock_date

BATCH_SIZE = 50  # Xero: "a ceiling of about 50 nodes per request is practical" (notes §4)
MAX_ATTEMPTS = 10
BACKOFF_BASE = datetime.timedelta(seconds=30)
BACKOFF_CAP = datetime.timedelta(hours=1)
# After a 429 without Retry-After (the concurrent limit): Xero names no wait; a few seconds.
RATE_LIMIT_PAUSE_SECONDS = 5

XERO, OURS = ErrorSource.XERO.value, ErrorSource.OURS.value

GAVE_UP = "Gave up sending {what} after {attempts} attempts. Last error: {error}"
UNCONFIRMED = (
    "Could not confirm whether Xero has {what} after {attempts} attempts ({error}). "
    "Check Xero, then replay it or mark it resolved."
)


@dataclass(frozen=True)
class Lane:
    """One kind of work that lives the delivery life cycle, and its Xero operations.

    The callables take the lane first, so a lane's own code can move its work along
    the life cycle with the functions below.
    """

    operation: str  # ExportBatch.operation
    status_field: str  # the ExportDocument fields that hold this lane's state
    attempts_field: str
    batch_field: str
    scope: Q  # which documents' work belongs to the lane
    # A batch's worth of the due documents, in order (it may fail some, e.g. unbuildable),
    # with the run's outlet contexts.
    fill: Callable[["Lane", Iterable[ExportDocument], Contexts], list[ExportDocument]]
    # The Xero call for a claimed batch: its answer, an element per piece of work.
    send: Callable[[ExportBatch, list[ExportDocument]], list[dict]]
    # Settle each document by Xero's answer; returns those Xero hints it already has.
    read_answer: Callable[["Lane", list[ExportDocument], list[dict]], list[ExportDocument]]
    # Ask Xero what it holds of these documents' work and settle them (raises XeroError).
    look_up: Callable[["Lane", XeroConnection, list[ExportDocument]], None]
    # How a message names one document's work: "POSS1-1001", "the payments of POSS1-1001".
    describe: Callable[[ExportDocument], str]


# ---- the life cycle's states --------------------------------------------------------------


def record_outcome(
    lane: Lane, document: ExportDocument, outcome: str, message: str, source: str
) -> None:
    """Kept in the document's history (history.py): the row itself holds only the latest."""
    record_attempt(
        document, lane=lane_of(lane.status_field), outcome=outcome, message=message, source=source
    )


def save_fields(documents: list[ExportDocument], fields: list[str]) -> None:
    """Writes only the fields that changed (the body and payments, the largest columns,
    only when they did). A statement per document: Django's bulk_update, one CASE per
    field over the batch, cost more CPU than the statements it saved (issue 12)."""
    for document in documents:
        document.save(update_fields=[*fields, "updated_at"])


def fail(lane: Lane, document: ExportDocument, message: str, *, source: str = XERO) -> None:
    """Refused for a reason a person must look at: kept until replayed or resolved."""
    setattr(document, lane.status_field, ExportStatus.FAILED)
    document.last_error, document.error_source = message, source
    document.save()
    record_outcome(lane, document, AttemptOutcome.FAILED, message, source)


def wait_for_fix(
    lane: Lane,
    document: ExportDocument,
    message: str,
    *,
    source: str,
    waiting_on: str | None = None,
) -> None:
    """Held on a cause fixed elsewhere (a mapping, Xero's reference data), not by a replay.

    It goes back to pending by itself when the merchant's mappings differ from
    `waiting_on` (by default, as they are now) or the reference data is refreshed after
    this moment (release_fixed). `waiting_on` may name another cause instead (a lock
    date, lock_dates.LockRule.key): then only a change of it releases the document.
    """
    setattr(document, lane.status_field, ExportStatus.WAITING)
    document.last_error, document.error_source = message, source
    document.waiting_since = timezone.now()
    if waiting_on is None:
        waiting_on = mappings_state(merchant_id=document.outlet.merchant_id)
    document.waiting_on = waiting_on
    document.save()
    record_outcome(lane, document, AttemptOutcome.WAITING, message, source)


def retry_later(
    lane: Lane,
    document: ExportDocument,
    message: str,
    wait: datetime.timedelta | None = None,
    *,
    source: str = XERO,
) -> None:
    """Back to pending (Xero does not have it); sent later in a new batch, or given up."""
    attempts = getattr(document, lane.attempts_field)
    if attempts >= MAX_ATTEMPTS:
        what = lane.describe(document)
        message = GAVE_UP.format(what=what, attempts=attempts, error=message)
        return fail(lane, document, message, source=source)
    setattr(document, lane.status_field, ExportStatus.PENDING)
    document.not_before = timezone.now() + (backoff(attempts) if wait is None else wait)
    document.last_error, document.error_source = message, source
    document.save()
    record_outcome(lane, document, AttemptOutcome.RETRYING, message, source)


def wait_for_connection(lane: Lane, documents: list[ExportDocument], message: str) -> None:
    """Xero refused the connection itself: the work waits, its try not counted, until the
    merchant reconnects; the connection's status (not a timer) holds it back."""
    ExportDocument.objects.filter(pk__in=[d.pk for d in documents]).update(
        **{
            lane.status_field: ExportStatus.PENDING,
            lane.attempts_field: F(lane.attempts_field) - 1,
        },
        not_before=timezone.now(),
        last_error=message,
        error_source=XERO,
        updated_at=timezone.now(),
    )


def rate_limit_wait(exc: XeroError) -> datetime.timedelta:
    # Xero's Retry-After when it gave one (minute and day limits); else a short pause.
    return datetime.timedelta(seconds=exc.retry_after or RATE_LIMIT_PAUSE_SECONDS)


def wait_for_rate_limit(lane: Lane, documents: list[ExportDocument], exc: XeroError) -> None:
    """Xero's rate limit refused the call before it was handled: back to pending after
    Retry-After, its try not counted. A storm of 429s is Xero's state, not a fault of the
    work, and must never make a document give up."""
    ExportDocument.objects.filter(pk__in=[d.pk for d in documents]).update(
        **{
            lane.status_field: ExportStatus.PENDING,
            lane.attempts_field: F(lane.attempts_field) - 1,
        },
        not_before=timezone.now() + rate_limit_wait(exc),
        last_error=exc.message,
        error_source=source_of(exc),
        updated_at=timezone.now(),
    )


def wait_for_outcome(documents: list[ExportDocument], message: str) -> None:
    """Stay `sending`: Xero may have them. Recovery resends or looks them up later."""
    wait = datetime.timedelta(seconds=settings.XERO_UNKNOWN_OUTCOME_WAIT_SECONDS)
    ExportDocument.objects.filter(pk__in=[d.pk for d in documents]).update(
        not_before=timezone.now() + wait, last_error=message, updated_at=timezone.now()
    )


def still_unknown(lane: Lane, documents: list[ExportDocument], exc: XeroError) -> None:
    """Xero could not be asked: stay `sending` and ask again later, up to a limit. A look-up
    its rate limit refused asks again after Retry-After, and is no try."""
    for document in documents:
        if getattr(document, lane.status_field) != ExportStatus.SENDING:
            continue  # settled by the part of the look-up that did answer
        if exc.rate_limited:
            document.not_before = timezone.now() + rate_limit_wait(exc)
            document.last_error, document.error_source = exc.message, source_of(exc)
            document.save()
            continue
        attempts = getattr(document, lane.attempts_field) + 1
        setattr(document, lane.attempts_field, attempts)
        if attempts >= MAX_ATTEMPTS:
            what = lane.describe(document)
            message = UNCONFIRMED.format(what=what, attempts=attempts, error=exc.message)
            fail(lane, document, message, source=source_of(exc))
            continue
        document.not_before = timezone.now() + backoff(attempts)
        document.last_error, document.error_source = exc.message, source_of(exc)
        document.save()


def backoff(attempts: int) -> datetime.timedelta:
    """Exponential backoff with jitter, so retries of many documents do not arrive together."""
    delay = min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)
    return delay * random.uniform(0.5, 1.0)


def source_of(exc: XeroError) -> str:
    # Xero's own answer, or our account of a call that got none (a timeout, a limit wait).
    return XERO if exc.status is not None else OURS


def release_fixed(connection: XeroConnection) -> int:
    """Work held on a fix goes back to pending once the fix may have come: the merchant's
    mappings changed, or Xero's reference data was refreshed, since it began waiting.

    A body built with the old mappings is rebuilt before it is sent (its fingerprint no
    longer matches); one that only waited on Xero goes as it was.
    """
    waiting = ExportDocument.objects.filter(
        Q(status=ExportStatus.WAITING) | Q(payments_status=ExportStatus.WAITING),
        connection=connection,
    ).select_related("outlet__export_settings")
    refreshed = latest_refresh(connection=connection)
    states: dict[int, str] = {}
    fingerprints: dict[int, str] = {}
    lock_date = organisation_lock_date(connection)
    released = 0
    for document in waiting:
        if document.waiting_on.startswith(LOCK_KEY_PREFIX):
            # A locked period: only a new lock date (a refresh) or policy releases it,
            # so an unchanged lock does not send it round again.
            policy = document.outlet.export_settings.lock_date_policy
            fixed = document.waiting_on != LockRule(lock_date, policy).key
        else:
            merchant_id = document.outlet.merchant_id
            if merchant_id not in states:
                states[merchant_id] = mappings_state(merchant_id=merchant_id)
            since = document.waiting_since
            fixed = (
                document.waiting_on != states[merchant_id]
                or (refreshed is not None and since is not None and refreshed > since)
                or built_with_old_mappings(document, connection, fingerprints)
            )
        if fixed:
            release(document)
            released += 1
    return released


def built_with_old_mappings(
    document: ExportDocument, connection: XeroConnection, fingerprints: dict[int, str]
) -> bool:
    """Its body was built with mappings that are no longer the outlet's: whatever Xero said
    of that body, the one built now may go. This catches a fix that came, by any
    interleaving, between the body's building and Xero's refusal of it."""
    if not document.built_with:
        return False
    if document.outlet_id not in fingerprints:
        try:
            ctx = export_context(outlet=document.outlet, connection=connection)
        except UnmappedError:
            return False  # still nothing to build with: keep waiting
        fingerprints[document.outlet_id] = fingerprint(ctx)
    return fingerprints[document.outlet_id] != document.built_with


def release(document: ExportDocument) -> None:
    for status_field, attempts_field in (
        ("status", "attempts"),
        ("payments_status", "payments_attempts"),
    ):
        if getattr(document, status_field) == ExportStatus.WAITING:
            setattr(document, status_field, ExportStatus.PENDING)
            setattr(document, attempts_field, 0)
    document.not_before = timezone.now()
    document.waiting_since, document.waiting_on = None, ""
    document.save()


# ---- claiming ----------------------------------------------------------------------------


def due(lane: Lane, connection: XeroConnection) -> QuerySet[ExportDocument]:
    """The lane's pending work whose time has come, oldest first, at most a batch of it."""
    pending = {lane.status_field: ExportStatus.PENDING}
    return ExportDocument.objects.filter(
        lane.scope, connection=connection, not_before__lte=timezone.now(), **pending
    ).order_by("pk")[:BATCH_SIZE]


def new_batch(connection: XeroConnection, operation: str) -> ExportBatch:
    return ExportBatch.objects.create(
        connection=connection, operation=operation, idempotency_key=f"xb-{uuid.uuid4().hex}"
    )


def mark_sending(
    lane: Lane, documents: list[ExportDocument], batch: ExportBatch
) -> list[ExportDocument]:
    """Written before the request leaves: whatever happens next, the batch is on record."""
    ids = [d.pk for d in documents]
    ExportDocument.objects.filter(pk__in=ids).update(
        **{
            lane.status_field: ExportStatus.SENDING,
            lane.batch_field: batch,
            lane.attempts_field: F(lane.attempts_field) + 1,
        },
        updated_at=timezone.now(),
    )
    return list(
        ExportDocument.objects.filter(pk__in=ids)
        .select_related("outlet", "connection")
        .order_by("pk")
    )


@transaction.atomic
def claim(
    lane: Lane, connection: XeroConnection, contexts: Contexts
) -> tuple[ExportBatch | None, list[ExportDocument]]:
    """Lock a batch of due work and mark it `sending`, in one transaction.

    Rows another transaction has locked are skipped, not waited for (PostgreSQL and
    MariaDB; SQLite's write lock serialises the whole transaction instead), so even two
    runs that both believed they held the organisation could never claim one document
    twice (STYLE.md §9).
    """
    locked = due(lane, connection).select_for_update(skip_locked=True).values_list("pk", flat=True)
    candidates = (
        ExportDocument.objects.filter(pk__in=list(locked))
        .select_related("outlet__export_settings", "connection")
        # One query for the batch's sales, in the order a document lists them.
        .prefetch_related(Prefetch("sales", Sale.objects.order_by("occurred_at", "pk")))
        .order_by("pk")
    )
    contexts.start_batch()
    documents = lane.fill(lane, candidates, contexts)
    if not documents:
        return None, []
    batch = new_batch(connection, lane.operation)
    return batch, mark_sending(lane, documents, batch)


# ---- sending and reading the answer ------------------------------------------------------


def deliver(
    lane: Lane, connection: XeroConnection, batch: ExportBatch, documents: list[ExportDocument]
) -> None:
    """Send a claimed batch and settle each document's work by Xero's answer."""
    try:
        answer = lane.send(batch, documents)
    except XeroError as exc:
        return on_error(lane, connection, documents, exc)
    # One transaction for the batch's outcome, not one per document: a worker killed
    # before it commits leaves the whole batch `sending`, which recovery looks up in Xero.
    with transaction.atomic():
        in_doubt = lane.read_answer(lane, documents, answer)
    if in_doubt:
        look_up(lane, connection, in_doubt)


def on_error(
    lane: Lane, connection: XeroConnection, documents: list[ExportDocument], exc: XeroError
) -> None:
    if exc.outcome_unknown:
        return wait_for_outcome(documents, exc.message)
    if exc.kind == AUTH:
        # The Xero client has marked the connection (or its grant) to be reconnected.
        wait_for_connection(lane, documents, exc.message)
    elif exc.kind == PERMANENT and len(documents) > 1:
        # Xero refused the request as a whole (too large, malformed), so it stored
        # nothing: send each document's work alone to find the one at fault.
        for document in documents:
            alone = new_batch(connection, lane.operation)
            deliver(lane, connection, alone, mark_sending(lane, [document], alone))
    elif exc.kind == PERMANENT:
        fail(lane, documents[0], exc.message, source=source_of(exc))
    elif exc.rate_limited:
        wait_for_rate_limit(lane, documents, exc)
    else:  # never reached Xero (5xx refusals before storing, config): just later
        wait = datetime.timedelta(seconds=exc.retry_after) if exc.retry_after else None
        for document in documents:
            retry_later(lane, document, exc.message, wait, source=source_of(exc))


def look_up(lane: Lane, connection: XeroConnection, documents: list[ExportDocument]) -> None:
    try:
        lane.look_up(lane, connection, documents)
    except XeroError as exc:
        still_unknown(lane, documents, exc)


def send_due(
    lane: Lane,
    connection: XeroConnection,
    *,
    max_batches: int,
    keep_going: Callable[[], bool] = lambda: True,
    contexts: Contexts | None = None,
) -> int:
    """Claim and send up to `max_batches` batches; returns how many documents were sent.

    `keep_going` is asked before each batch: a run that lost its claim on the
    organisation must not claim more work.
    """
    sent, contexts = 0, contexts or Contexts()
    for _ in range(max_batches):
        connection.refresh_from_db(fields=["status"])
        if connection.status != ConnectionStatus.ACTIVE or not keep_going():
            break
        batch, documents = claim(lane, connection, contexts)
        if batch is None:
            break
        deliver(lane, connection, batch, documents)
        sent += len(documents)
    return sent


# ---- recovering the unknown ----------------------------------------------------------------


def recover(lane: Lane, connection: XeroConnection) -> int:
    """Work left `sending` (an unknown outcome, or a worker that died mid-call) whose wait
    is over: Xero is asked what it holds, and what it does not goes back to pending.

    Called while holding the connection's export claim, so no live run is sending it.
    """
    stale = list(
        ExportDocument.objects.filter(
            lane.scope,
            connection=connection,
            not_before__lte=timezone.now(),
            **{lane.status_field: ExportStatus.SENDING},
        )
        .select_related("outlet", "connection")
        .order_by("pk")
    )
    for start in range(0, len(stale), BATCH_SIZE):
        look_up(lane, connection, stale[start : start + BATCH_SIZE])
    return len(stale)
