"""Backfill: send a date range of an outlet to Xero from the sales already received.

What goes: sales never put in a document, documents planned but not in Xero yet (failed
or waiting ones are replayed), and documents Xero no longer has (missing, voided or
deleted there: re-exported under a new number, decisions.py). What is skipped: anything
Xero already holds under the same number with the same total, which is looked up first,
so a document sent by an earlier run whose answer was lost is taken as sent, not sent
twice. A dry run does the look-ups and lists what would be sent, day by day; it sends and
plans nothing (what it read from Xero is noted on the documents, as a reconciliation does).
"""

import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from django.db.models import Max
from django.utils import timezone

from config.errors import Conflict
from mappings.selectors import effective_mappings
from outlets.models import ExportGrouping, Outlet

from ..connection.selectors import connection_for
from ..exports.claims import Lease, claim_connection
from ..exports.control import replay_documents
from ..exports.documents import APIS, in_xero
from ..exports.lock_dates import LockedPeriod, LockRule, lock_rule, posting_date
from ..exports.numbers import day_document_number, sale_document_number
from ..exports.planning import (
    DAY_KEYS,
    kind_of,
    paid_on_account,
    plan_sales,
    sales_to_plan,
    summary_key,
)
from ..exports.readiness import readiness
from ..models import (
    ConnectionStatus,
    DocumentKind,
    ExportDocument,
    ExportStatus,
    Sale,
    XeroConnection,
)
from ..sales.money import total
from ..tasks import queue_export
from ..xero.errors import XeroError
from .decisions import REEXPORTABLE, DecisionRefused, reexport_document, reexport_number
from .figures import GONE, amount, paid
from .readback import read_back
from .services import note_read_back

MSG_NOT_CONNECTED = "Outlet '{outlet}' has no active Xero connection: connect Xero first."
MSG_CANNOT_EXPORT = "Outlet '{outlet}' cannot export now: {reasons}"
MSG_BUSY = (
    "An export is running for this Xero organisation right now; ask again in a minute "
    "(the backfill plans documents under the same claim, so it never races the export)."
)
MSG_XERO_UNREADABLE = (
    "Xero could not be asked which of these documents it already holds, so nothing was "
    "sent: {reason} Try again later."
)
NOT_EXPORTED, NOT_SENT = "not_exported", "not_sent"
HELD = (ExportStatus.FAILED, ExportStatus.WAITING)
MSG_ADOPTED_UNPAID = (
    "Xero already held {number} with this total, so it was not sent again; Xero does not "
    "have it paid in full. Check its payments in Xero, then replay or mark it resolved."
)


class BackfillRefused(Conflict):
    code = "backfill_refused"


@dataclass
class BackfillItem:
    business_date: datetime.date
    number: str
    kind: str
    total: Decimal
    reason: str  # not_exported, not_sent, or the XeroChange (missing, voided, deleted)
    sales: int
    # For one Xero already holds (skipped): its id there, and whether it is paid in full.
    xero_id: str = ""
    paid_in_full: bool = False
    # For a document sent before that Xero no longer has: ours, to re-export.
    document_id: int | None = None
    # What Xero should have paid of it: its total, but for a sale paid on account (only
    # what was paid at the till; the rest stays owed).
    paid_at_till: Decimal | None = None
    # What Xero's lock date will do to it: held for a person (and why), or the date it is
    # posted on instead; empty when its day is open.
    lock_date: str = ""


@dataclass
class BackfillResult:
    dry_run: bool
    to_send: list[BackfillItem] = field(default_factory=list)
    skipped: list[BackfillItem] = field(default_factory=list)  # Xero has them already

    @property
    def days(self) -> list[datetime.date]:
        return sorted({item.business_date for item in self.to_send})


def backfill(
    *, outlet: Outlet, start: datetime.date, end: datetime.date, dry_run: bool
) -> BackfillResult:
    """Send what Xero is missing of the outlet's days start..end (or, dry, list it)."""
    connection = exporting_connection(outlet)
    try:
        result = backfill_plan(outlet=outlet, connection=connection, start=start, end=end)
    except XeroError as exc:
        # Nothing is sent on a guess: without Xero's answer we cannot know what it holds.
        raise BackfillRefused(MSG_XERO_UNREADABLE.format(reason=exc.message)) from None
    result.dry_run = dry_run
    if dry_run or not (result.to_send or result.skipped):
        return result
    token = claim_connection(connection.pk)
    if token is None:
        raise BackfillRefused(MSG_BUSY)
    with Lease(connection.pk, token):
        carry_out(outlet, connection, result, start, end)
    queue_export(connection_id=connection.pk)
    return result


def exporting_connection(outlet: Outlet) -> XeroConnection:
    connection = connection_for(merchant=outlet.merchant, outlet=outlet)
    if connection is None or connection.status != ConnectionStatus.ACTIVE:
        raise BackfillRefused(MSG_NOT_CONNECTED.format(outlet=outlet.pos_station_id))
    ready = readiness(merchant=outlet.merchant, outlet=outlet, connection=connection)
    if not ready.can_export:
        reasons = " ".join(ready.reasons)
        raise BackfillRefused(
            MSG_CANNOT_EXPORT.format(outlet=outlet.pos_station_id, reasons=reasons)
        )
    return connection


# ---- what would be sent ---------------------------------------------------------------------


def backfill_plan(
    *, outlet: Outlet, connection: XeroConnection, start: datetime.date, end: datetime.date
) -> BackfillResult:
    result = BackfillResult(dry_run=True)
    proposed = proposed_documents(outlet, unplanned_sales(outlet, start, end))
    held_in_xero = xero_elements(connection, proposed)
    for item in proposed:
        element = held_in_xero.get((item.kind, item.number))
        if element is not None and same_in_xero(element, item):
            item.xero_id = str(element.get(APIS[item.kind].id_key) or "")
            item.paid_in_full = paid_as_planned(element, item)
            result.skipped.append(item)
        else:
            result.to_send.append(item)
    result.to_send += unsent_items(outlet, start, end) + gone_items(outlet, start, end)
    result.to_send.sort(key=lambda item: (item.business_date, item.number))
    rule = lock_rule(outlet, connection)
    for item in result.to_send:
        item.lock_date = lock_date_fate(item.business_date, rule)
    return result


def lock_date_fate(day: datetime.date, rule: LockRule) -> str:
    """A dry run must not promise a day Xero's lock date will keep out: say what happens."""
    try:
        _, note = posting_date(day, rule)
    except LockedPeriod as exc:
        return exc.detail
    return note.strip(" ()")


def paid_as_planned(element: dict, item: BackfillItem) -> bool:
    """Xero holds the payments the document would have had: a journal has none (its
    takings are its lines), an on-account invoice only what was paid at the till."""
    if item.kind == DocumentKind.MANUAL_JOURNAL:
        return True
    expected = item.total if item.paid_at_till is None else item.paid_at_till
    return paid(element) == expected


def paid_at_till(sale: Sale, on_account: Collection[str]) -> Decimal:
    payments = sale.payload.get("payments", [])
    return total(Decimal(p["amount"]) for p in payments if p.get("method") not in on_account)


def unplanned_sales(outlet: Outlet, start: datetime.date, end: datetime.date) -> list[Sale]:
    """The range's sales without a document that the planner would take now."""
    ready = sales_to_plan(outlet, timezone.now())
    return list(ready.filter(business_date__range=(start, end)))


def proposed_documents(outlet: Outlet, sales: list[Sale]) -> list[BackfillItem]:
    """The documents the planner would make of these sales, with their numbers."""
    settings = outlet.export_settings
    prefix = settings.effective_prefix
    grouping = settings.grouping
    # As planning.plan_sales groups them: sales paid on account are always their own.
    on_account = effective_mappings(outlet=outlet).on_account_methods()
    own = [
        s for s in sales if grouping == ExportGrouping.PER_SALE or paid_on_account(s, on_account)
    ]
    items = [
        BackfillItem(
            sale.business_date,
            sale_document_number(prefix, sale.sale_id),
            kind_of(sale.type),
            sale.total,
            NOT_EXPORTED,
            1,
            paid_at_till=paid_at_till(sale, on_account),
        )
        for sale in own
    ]
    own_ids = {sale.pk for sale in own}
    days = [s for s in sales if s.pk not in own_ids]
    for (day, currency, kind), group in groupby(days, key=DAY_KEYS.get(grouping, summary_key)):
        of_day = list(group)
        sequence = next_sequence(outlet, grouping, (day, currency, kind))
        number = day_document_number(prefix, day, currency, kind, sequence)
        items.append(
            BackfillItem(
                day, number, kind, total(s.total for s in of_day), NOT_EXPORTED, len(of_day)
            )
        )
    return items


def next_sequence(outlet: Outlet, grouping: str, key: tuple[datetime.date, str, str]) -> int:
    """As planning.day_document numbers it: an open document's, else one more."""
    day, currency, kind = key
    existing = ExportDocument.objects.filter(
        outlet=outlet,
        grouping=grouping,
        business_date=day,
        currency=currency,
        kind=kind,
    )
    still_open = existing.filter(status=ExportStatus.PENDING, batch__isnull=True, body="").first()
    if still_open:
        return still_open.sequence
    return (existing.aggregate(Max("sequence"))["sequence__max"] or 0) + 1


def xero_elements(
    connection: XeroConnection, items: Iterable[BackfillItem]
) -> dict[tuple[str, str], dict]:
    """Xero's documents with these numbers, by (kind, number): 50 numbers per call."""
    found: dict[tuple[str, str], dict] = {}
    by_kind = groupby(sorted(items, key=lambda i: i.kind), key=lambda i: i.kind)
    for kind, of_kind in by_kind:
        numbered = [ExportDocument(number=item.number) for item in of_kind]
        for number, element in in_xero(connection, kind, numbered).items():
            found[(kind, str(number))] = element
    return found


def same_in_xero(element: dict | None, item: "BackfillItem") -> bool:
    if element is None or element.get("Status") in GONE:
        return False
    # A journal's narration is its identity, and its debits are not the day's sales total.
    return item.kind == DocumentKind.MANUAL_JOURNAL or amount(element, "Total") == item.total


def unsent_items(outlet: Outlet, start: datetime.date, end: datetime.date) -> list[BackfillItem]:
    """Documents planned but not in Xero yet: pending ones go by themselves, held ones are
    replayed by the backfill."""
    documents = ExportDocument.objects.filter(
        outlet=outlet,
        business_date__range=(start, end),
        status__in=[ExportStatus.PENDING, *HELD],
    )
    return [item_of(document, document.number, NOT_SENT) for document in documents]


def gone_items(outlet: Outlet, start: datetime.date, end: datetime.date) -> list[BackfillItem]:
    """Sent documents Xero no longer has (read back now), each under its new number."""
    sent = list(
        ExportDocument.objects.filter(
            outlet=outlet,
            business_date__range=(start, end),
            status=ExportStatus.SENT,
            xero_change_decision="",
        ).select_related("connection", "replaces")
    )
    found = read_back(sent)
    items, now = [], timezone.now()
    for document in sent:
        if document.pk not in found:
            continue  # its organisation is not connected: nothing can be known or sent
        note_read_back(document, found[document.pk], now)
        if document.xero_change in REEXPORTABLE:
            items.append(item_of(document, reexport_number(document), document.xero_change))
    return items


def item_of(document: ExportDocument, number: str, reason: str) -> BackfillItem:
    sales = document.sales.all()
    day_total = document.total if document.total is not None else total(s.total for s in sales)
    return BackfillItem(
        document.business_date,
        number,
        document.kind,
        day_total,
        reason,
        len(sales),
        document_id=document.pk,
    )


# ---- sending it ---------------------------------------------------------------------------


def carry_out(
    outlet: Outlet,
    connection: XeroConnection,
    result: BackfillResult,
    start: datetime.date,
    end: datetime.date,
) -> None:
    sales = unplanned_sales(outlet, start, end)
    plan_sales(outlet, connection, list(sales))
    adopt_what_xero_has(outlet, result.skipped)
    replay_documents(
        ExportDocument.objects.filter(
            outlet=outlet, business_date__range=(start, end), status__in=HELD
        )
    )
    # Exactly the documents the plan found gone from Xero, read back moments ago.
    gone = [item.document_id for item in result.to_send if item.reason in REEXPORTABLE]
    for document in ExportDocument.objects.filter(pk__in=gone).select_related("replaces"):
        try:
            reexport_document(document=document)
        except DecisionRefused:
            continue  # a person decided on it since the plan was made: their choice stands


def adopt_what_xero_has(outlet: Outlet, skipped: list[BackfillItem]) -> None:
    """A just-planned document Xero already holds with the same number and total is taken
    as sent, never sent again; its payments too when Xero has it paid in full."""
    now = timezone.now()
    for item in skipped:
        payments = ExportStatus.SENT if item.paid_in_full else ExportStatus.FAILED
        error = "" if item.paid_in_full else MSG_ADOPTED_UNPAID.format(number=item.number)
        ExportDocument.objects.filter(
            outlet=outlet, kind=item.kind, number=item.number, status=ExportStatus.PENDING, body=""
        ).update(
            status=ExportStatus.SENT,
            payments_status=payments,
            last_error=error,
            xero_id=item.xero_id,
            total=item.total,
            sent_at=now,
            updated_at=now,
        )
