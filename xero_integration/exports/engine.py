"""One export run for one Xero organisation: plan due outlets, send documents, then payments.

Runs for one organisation are serialised by a claim on the connection row (claims.py);
different organisations run in parallel.
"""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError
from django.utils import timezone

from ..connection.selectors import outlets_served_by
from ..models import ConnectionStatus, XeroConnection
from . import documents, payments
from .claims import Lease, claim_connection
from .context import Contexts
from .customers import resolve_customer_contacts
from .delivery import recover, release_fixed, send_due
from .due import has_sendable_work, is_due, schedule_next
from .lock_dates import recheck_lock_date
from .planning import plan_outlet
from .readiness import readiness

# Documents before their payments: a payment needs its document in Xero.
LANES = [*documents.LANES, payments.LANE]

# Bounded work per run keeps a run inside the task timeout; what is left is picked up
# by the next run, a minute later at most.
MAX_BATCHES_PER_RUN = 10
NUMBER_CLASH = (
    "Another outlet sending to this Xero organisation uses the same document numbers: "
    "give this outlet its own number prefix."
)


@dataclass
class ExportRun:
    connection_id: int
    claimed: bool = True
    planned_sales: int = 0
    sent_documents: int = 0
    paid_documents: int = 0
    waiting: dict[str, list[str]] = field(default_factory=dict)
    # More is due now than one run sends: the task queues the next run at once, so a
    # backlog uses the whole of Xero's minute instead of waiting for the next tick.
    more_due: bool = False


def plan_due_outlets(run: ExportRun, connection: XeroConnection, now: datetime.datetime) -> None:
    for outlet in outlets_served_by(connection):
        if not is_due(outlet, now):
            continue
        ready = readiness(merchant=outlet.merchant, outlet=outlet, connection=connection)
        if not ready.can_export:
            run.waiting[outlet.pos_station_id] = ready.reasons
            continue
        try:
            held = [(k["type"], k["key"]) for k in ready.unmapped_keys]
            run.planned_sales += plan_outlet(
                outlet=outlet, connection=connection, now=now, held=held
            )
        except IntegrityError:
            # Another outlet in this organisation makes the same document numbers.
            run.waiting[outlet.pos_station_id] = [NUMBER_CLASH]
            continue
        schedule_next(outlet, now)


def export_connection(*, connection_id: int, now: datetime.datetime | None = None) -> ExportRun:
    """Export what is due (and what someone asked for) to one Xero organisation."""
    run = ExportRun(connection_id)
    token = claim_connection(connection_id)
    if token is None:
        run.claimed = False
        return run
    with Lease(connection_id, token) as held:
        connection = XeroConnection.objects.get(pk=connection_id)
        if connection.status != ConnectionStatus.ACTIVE:
            run.waiting["*"] = [connection.status_reason or connection.get_status_display()]
            return run
        recheck_lock_date(connection, now or timezone.now())
        release_fixed(connection)
        payments.reopen_for_later_payments(connection)
        for lane in LANES:
            recover(lane, connection)
        plan_due_outlets(run, connection, now or timezone.now())
        # Outside any transaction and before the claims: contact calls hold no row lock.
        resolve_customer_contacts(connection)
        contexts = Contexts()  # each outlet's mappings and contact, read once per run
        for lane in documents.LANES:
            run.sent_documents += send_due(
                lane,
                connection,
                max_batches=MAX_BATCHES_PER_RUN,
                keep_going=held.still_ours,
                contexts=contexts,
            )
        run.paid_documents = send_due(
            payments.LANE,
            connection,
            max_batches=MAX_BATCHES_PER_RUN,
            keep_going=held.still_ours,
            contexts=contexts,
        )
        run.more_due = needs_another_run(run)
    return run


def needs_another_run(run: ExportRun, now: datetime.datetime | None = None) -> bool:
    """A run that got work done and left more that could go now (it stopped at its batch
    limit, or its last batch's documents came back due at once) is followed at once, not
    at the next minute tick. One that got nothing done is not: whatever holds its work
    back (the connection, a fix) would only hold back the next run too."""
    progressed = run.planned_sales or run.sent_documents or run.paid_documents
    if not (run.claimed and progressed):
        return False
    return has_sendable_work(run.connection_id, now or timezone.now())
