"""Reading our sent documents back from Xero, by number, and naming what changed.

Look-ups go through the Xero client (xero/accounting.py: 50 numbers per call, every call
waiting its turn for the organisation's rate limits), one organisation and one kind at a
time, so a month of per-sale invoices costs a handful of calls, not one per document.
"""

from collections.abc import Iterable
from decimal import Decimal

from ..connection.selectors import live_connections
from ..exports.context import loads
from ..exports.documents import in_xero, matches
from ..models import ConnectionStatus, DocumentKind, ExportDocument, XeroChange, XeroConnection
from .figures import amount, paid


def reading_connection(document: ExportDocument) -> XeroConnection | None:
    """The live connection to the document's organisation (a reconnect makes a new row)."""
    connection = document.connection
    if connection.status == ConnectionStatus.ACTIVE:
        return connection
    live = live_connections(merchant=connection.merchant_id).filter(
        tenant_id=connection.tenant_id, status=ConnectionStatus.ACTIVE
    )
    return live.first()


def read_back(documents: Iterable[ExportDocument]) -> dict[int, dict | None]:
    """Document id → Xero's element with its number (None: Xero has no such number).

    Raises XeroError when Xero cannot be read; documents whose organisation is not
    connected are left out (the caller says why).
    """
    groups: dict[tuple[int, str], list[ExportDocument]] = {}
    connections: dict[int, XeroConnection] = {}
    for document in documents:
        connection = reading_connection(document)
        if connection is not None:
            connections[connection.pk] = connection
            groups.setdefault((connection.pk, document.kind), []).append(document)
    found: dict[int, dict | None] = {}
    for (connection_id, kind), of_kind in groups.items():
        elements = in_xero(connections[connection_id], kind, of_kind, include_gone=True)
        found.update({d.pk: elements.get(d.number) for d in of_kind})
    return found


def sent_payments(document: ExportDocument) -> Decimal:
    """What Xero accepted of the document's payments (ExportDocument.payments_done)."""
    payments = loads(document.payments or "[]")
    done = set(document.payments_done)
    return sum((amount(p, "Amount") for p in payments if p["Reference"] in done), Decimal(0))


def change_of(document: ExportDocument, element: dict | None) -> str:
    """How Xero's copy differs from what was sent; "" when it holds it as sent."""
    if element is None:
        return XeroChange.MISSING
    status = element.get("Status")
    if status == "VOIDED":
        return XeroChange.VOIDED
    if status == "DELETED":
        return XeroChange.DELETED
    if document.kind == DocumentKind.MANUAL_JOURNAL:
        # A journal has no total or payments: its lines are what it moves.
        return "" if matches(document, element) else XeroChange.AMOUNT_CHANGED
    if document.total is not None and amount(element, "Total") != document.total:
        return XeroChange.AMOUNT_CHANGED
    if paid(element) < sent_payments(document):
        return XeroChange.PAYMENT_REMOVED
    return ""
