"""One export run for one Xero organisation: plan due outlets, send documents, then payments.

Runs for one organisation are serialised by a claim on the connection row (a
conditional UPDATE, checked by its row count), so the tasks django-q2 may deliver
twice, and two `sync` calls at once, cannot send the same work twice. Different
organisations run in parallel.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone

from ..connection.selectors import outlets_served_by
from ..models import ConnectionStatus, XeroConnection
from . import documents, payments
from .delivery import recover, send_due
from .due import is_due, schedule_next
from .planning import plan_outlet
from .readiness import readiness

# Documents before their payments: a payment needs its document in Xero.
LANES = [*documents.LANES, payments.LANE]

# Longer than django-q2 lets a task run (it kills it at Q_CLUSTER["timeout"]), so a
# live run never loses its claim, and a killed one frees it soon after.
CLAIM_MARGIN_SECONDS = 60
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


def claim_connection(connection_id: int) -> str | None:
    """Take the organisation for one export run; a token, or None when another run has it."""
    now = timezone.now()
    token = uuid.uuid4().hex
    lease = datetime.timedelta(seconds=settings.Q_CLUSTER["timeout"] + CLAIM_MARGIN_SECONDS)
    claimed = (
        XeroConnection.objects.filter(pk=connection_id)
        .filter(Q(export_claimed_until__isnull=True) | Q(export_claimed_until__lt=now))
        .update(export_claimed_until=now + lease, export_claim_token=token)
    )
    return token if claimed == 1 else None


def release_connection(connection_id: int, token: str) -> None:
    # Only our own claim: a run that outlived its lease must not free a newer run's.
    XeroConnection.objects.filter(pk=connection_id, export_claim_token=token).update(
        export_claimed_until=None, export_claim_token=""
    )


def plan_due_outlets(run: ExportRun, connection: XeroConnection, now: datetime.datetime) -> None:
    for outlet in outlets_served_by(connection):
        if not is_due(outlet, now):
            continue
        ready = readiness(merchant=outlet.merchant, outlet=outlet, connection=connection)
        if not ready.can_export:
            run.waiting[outlet.pos_station_id] = ready.reasons
            continue
        try:
            run.planned_sales += plan_outlet(outlet=outlet, connection=connection, now=now)
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
    try:
        connection = XeroConnection.objects.get(pk=connection_id)
        if connection.status != ConnectionStatus.ACTIVE:
            run.waiting["*"] = [connection.status_reason or connection.get_status_display()]
            return run
        for lane in LANES:
            recover(lane, connection)
        plan_due_outlets(run, connection, now or timezone.now())
        for lane in documents.LANES:
            run.sent_documents += send_due(lane, connection, max_batches=MAX_BATCHES_PER_RUN)
        run.paid_documents = send_due(payments.LANE, connection, max_batches=MAX_BATCHES_PER_RUN)
        return run
    finally:
        release_connection(connection_id, token)
