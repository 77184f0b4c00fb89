"""The claim an export run holds on its Xero organisation: a short lease, renewed while alive.

One run at a time per organisation (a conditional UPDATE, checked by its row count)
keeps document order and Xero's limits simple; the tasks django-q2 may deliver twice,
and two `sync` calls at once, cannot send the same work twice.

A worker can die at any moment (a deploy, an OOM kill, a lost machine: SIGKILL gives
no chance to clean up). So the claim is a lease of EXPORT_CLAIM_LEASE_SECONDS that the
run renews between batches and, while a single call waits on Xero, from a heartbeat
thread: a dead run stops renewing and its organisation is free again within the lease,
never "until the task timeout" (STYLE.md §18).
"""

import contextlib
import datetime
import logging
import threading
import uuid
from types import TracebackType

from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django.db import Error as DatabaseDriverError
from django.db import connection as db_connection
from django.db.models import Q
from django.utils import timezone

from ..models import ExportDocument, ExportStatus, XeroConnection

logger = logging.getLogger(__name__)

STALE_CLAIM_TAKEN_OVER = (
    "Xero organisation %s: took over the claim of an export run that started at %s and "
    "stopped renewing it at %s (its worker died)."
)


def lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.EXPORT_CLAIM_LEASE_SECONDS)


def claim_connection(connection_id: int) -> str | None:
    """Take the organisation for one export run; a token, or None when a live run has it."""
    now = timezone.now()
    before = (
        XeroConnection.objects.filter(pk=connection_id)
        .values("export_claim_token", "export_started_at", "export_claimed_until")
        .first()
    )
    token = uuid.uuid4().hex
    claimed = (
        XeroConnection.objects.filter(pk=connection_id)
        .filter(Q(export_claimed_until__isnull=True) | Q(export_claimed_until__lt=now))
        .update(export_claimed_until=now + lease(), export_claim_token=token, export_started_at=now)
    )
    if claimed != 1:
        return None
    if before and before["export_claim_token"]:  # never released: its run died holding it
        take_over_stale_claim(
            connection_id, lapsed_at=before["export_claimed_until"] or now, now=now
        )
        logger.warning(
            STALE_CLAIM_TAKEN_OVER,
            connection_id,
            before["export_started_at"],
            before["export_claimed_until"],
        )
    return token


def take_over_stale_claim(
    connection_id: int, *, lapsed_at: datetime.datetime, now: datetime.datetime
) -> None:
    """Leave the dead run's last request time to end before its work is looked at again.

    Its last call may have left just before it died and may still be in Xero's hands
    until the call's timeout; after that, recovery resends it under the same key or
    looks it up, as for any unknown outcome.
    """
    XeroConnection.objects.filter(pk=connection_id).update(stale_claim_recovered_at=now)
    ended = lapsed_at + datetime.timedelta(seconds=settings.XERO_TIMEOUT_SECONDS)
    in_flight = Q(status=ExportStatus.SENDING) | Q(payments_status=ExportStatus.SENDING)
    ExportDocument.objects.filter(
        in_flight, connection_id=connection_id, not_before__lt=ended
    ).update(not_before=ended)


def renew_claim(connection_id: int, token: str) -> bool:
    """Extend our lease; False when the claim is no longer ours (it ran out and was taken)."""
    renewed = XeroConnection.objects.filter(pk=connection_id, export_claim_token=token).update(
        export_claimed_until=timezone.now() + lease()
    )
    return renewed == 1


def release_connection(connection_id: int, token: str) -> None:
    # Only our own claim: a run that outlived its lease must not free a newer run's.
    XeroConnection.objects.filter(pk=connection_id, export_claim_token=token).update(
        export_claimed_until=None, export_claim_token="", export_started_at=None
    )


class Lease:
    """A held claim: renewed on demand (`still_ours`) and by a heartbeat thread meanwhile.

    The heartbeat runs only outside a transaction: inside one (a test's), no other
    process can see the claim anyway, and a second database connection would wait on
    the first's locks.
    """

    def __init__(self, connection_id: int, token: str):
        self.connection_id = connection_id
        self.token = token
        self.lost = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "Lease":
        if not db_connection.in_atomic_block:
            self._thread = threading.Thread(target=self._beat, daemon=True, name="claim-heartbeat")
            self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=settings.EXPORT_CLAIM_LEASE_SECONDS)
        try:
            release_connection(self.connection_id, self.token)
        except DatabaseDriverError:  # any driver error: a closed session is no DatabaseError
            if db_connection.in_atomic_block:
                raise
            # Our database session died under the run (terminated, a failover): free the
            # organisation at once on a new session, rather than when the lease runs out.
            with contextlib.suppress(DatabaseDriverError):
                db_connection.close()  # forgets the dead session even when closing it fails
            release_connection(self.connection_id, self.token)

    def still_ours(self) -> bool:
        """Renew now; a run that lost its claim must stop before it claims more work."""
        if not self.lost and not renew_claim(self.connection_id, self.token):
            self.lost = True
        return not self.lost

    def _beat(self) -> None:
        interval = settings.EXPORT_CLAIM_LEASE_SECONDS / 4
        try:
            while not self._stop.wait(interval):
                try:
                    if not renew_claim(self.connection_id, self.token):
                        self.lost = True
                        return
                except DatabaseError:
                    # A missed beat is not fatal: the lease outlasts three more of them.
                    logger.warning("Export claim heartbeat of %s failed", self.connection_id)
                    close_old_connections()
        finally:
            db_connection.close()  # this thread's own connection
