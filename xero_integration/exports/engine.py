"""One export run for one Xero organisation: plan due outlets, send documents, then payments.

Runs for one organisation are serialised by a claim on the connection row (a
conditional UPDATE, checked by its row count), so the tasks django-q2 may deliver
twice, and two `sync` calls at once, cannot send the same work twice. Different
organisations run in parallel.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from outlets.models import Outlet

from ..models import ConnectionStatus, DocumentKind, XeroConnection
from ..readiness import readiness
from .payments import recover_payment_orphans, send_payments
from .planning import plan_outlet
from .schedule import is_due, schedule_next
from .sending import recover_orphans, send_documents

# Longer than a task may run (Q_CLUSTER timeout), so a live run never loses its claim.
CLAIM_SECONDS = 60 * 10
# Bounded work per run keeps a run inside the task timeout; what is left is picked up
# by the next run, a minute later at most.
MAX_BATCHES_PER_RUN = 10


@dataclass
class ExportRun:
    connection_id: int
    claimed: bool = True
    planned_sales: int = 0
    sent_documents: int = 0
    paid_documents: int = 0
    waiting: dict[str, list[str]] = field(default_factory=dict)


def claim(connection_id: int) -> bool:
    now = timezone.now()
    claimed = XeroConnection.objects.filter(pk=connection_id).filter(
        Q(export_claimed_until__isnull=True) | Q(export_claimed_until__lt=now)
    ).update(export_claimed_until=now + datetime.timedelta(seconds=CLAIM_SECONDS))
    return claimed == 1


def release(connection_id: int) -> None:
    XeroConnection.objects.filter(pk=connection_id).update(export_claimed_until=None)


def outlets_served_by(connection: XeroConnection):
    outlets = Outlet.objects.filter(xero_connection=connection)
    if connection.is_merchant_default:
        outlets = outlets | Outlet.objects.filter(merchant_id=connection.merchant_id, xero_connection__isnull=True)
    return outlets.select_related("export_settings", "merchant")


def plan_due_outlets(run: ExportRun, connection, requested: set[int], now) -> None:
    for outlet in outlets_served_by(connection):
        if outlet.pk not in requested and not is_due(outlet, now):
            continue
        ready = readiness(merchant=outlet.merchant, outlet=outlet, connection=connection)
        if not ready.can_export:
            run.waiting[outlet.pos_station_id] = ready.reasons
            continue
        run.planned_sales += plan_outlet(outlet=outlet, connection=connection, now=now)
        schedule_next(outlet, now)


def export_connection(*, connection_id: int, requested_outlet_ids=(), now=None) -> ExportRun:
    """Export what is due (and what was asked for) to one Xero organisation."""
    run = ExportRun(connection_id)
    if not claim(connection_id):
        run.claimed = False
        return run
    try:
        connection = XeroConnection.objects.get(pk=connection_id)
        if connection.status != ConnectionStatus.ACTIVE:
            run.waiting["*"] = [connection.status_reason or connection.get_status_display()]
            return run
        recover_orphans(connection)
        recover_payment_orphans(connection)
        plan_due_outlets(run, connection, set(requested_outlet_ids), now or timezone.now())
        for kind in DocumentKind.values:
            run.sent_documents += send_documents(connection, kind, max_batches=MAX_BATCHES_PER_RUN)
        run.paid_documents = send_payments(connection, max_batches=MAX_BATCHES_PER_RUN)
        return run
    finally:
        release(connection_id)
