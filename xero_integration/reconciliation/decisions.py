"""A person's choice for a document Xero no longer holds as sent: re-export, or accept.

Re-exporting sends the document's sales again as a new document under a new,
deterministic number (the first document's number + "-R1", "-R2" …, a journal's
narration + " R1"), through the ordinary exactly-once life cycle: a row written before
any call, a look-up by number before any resend. The choice is claimed with a conditional UPDATE, so two people (or
two clicks) re-export a document at most once, and the one-to-one `replaces` link and
the unique number make a second replacement impossible in the database too.
"""

from django.db import transaction
from django.utils import timezone

from config.errors import Conflict

from ..models import (
    DocumentKind,
    ExportDocument,
    ExportStatus,
    Sale,
    XeroChange,
    XeroChangeDecision,
)
from ..tasks import queue_export, queue_reconciliation
from .readback import reading_connection

# Only a document Xero no longer counts can be sent again: re-exporting one whose amount
# or payments were changed would put the income in the books twice.
REEXPORTABLE = (XeroChange.MISSING, XeroChange.VOIDED, XeroChange.DELETED)
MSG_CANNOT_REEXPORT = (
    "{number} cannot be re-exported: only a document missing, voided or deleted in Xero, "
    "with no decision yet, can be sent again under a new number."
)
MSG_CANNOT_ACCEPT = "{number} has no change in Xero waiting for a decision."
MSG_NOT_CONNECTED = "{number} cannot be re-exported: its Xero organisation is not connected."


# What a person may choose, as the API names it.
DECISIONS = ["reexport", "accept"]


class DecisionRefused(Conflict):
    code = "decision_refused"


def reexport_number(document: ExportDocument) -> str:
    """POSS1-1001 → POSS1-1001-R1; that one re-exported again → POSS1-1001-R2. A journal's
    narration is a sentence: "SYD POS takings 2026-11-23 AUD" → "… AUD R1"."""
    first, depth = document, 1
    while first.replaces is not None:
        first, depth = first.replaces, depth + 1
    separator = " " if document.kind == DocumentKind.MANUAL_JOURNAL else "-"
    return f"{first.number}{separator}R{depth}"


@transaction.atomic
def reexport_document(*, document: ExportDocument) -> ExportDocument:
    """Send the document's sales again under a new number; returns the new document."""
    connection = reading_connection(document)
    if connection is None:
        raise DecisionRefused(MSG_NOT_CONNECTED.format(number=document.number))
    claimed = ExportDocument.objects.filter(
        pk=document.pk,
        status=ExportStatus.SENT,
        xero_change__in=REEXPORTABLE,
        xero_change_decision="",
    ).update(xero_change_decision=XeroChangeDecision.REEXPORTED, updated_at=timezone.now())
    if not claimed:
        raise DecisionRefused(MSG_CANNOT_REEXPORT.format(number=document.number))
    replacement = ExportDocument.objects.create(
        outlet=document.outlet,
        connection=connection,
        kind=document.kind,
        grouping=document.grouping,
        number=reexport_number(document),
        business_date=document.business_date,
        currency=document.currency,
        sequence=document.sequence,
        # An on-account sale's invoice is made out to its customer again, left open.
        customer_id=document.customer_id,
        replaces=document,
    )
    Sale.objects.filter(document=document).update(document=replacement)
    queue_export(connection_id=connection.pk)
    return replacement


def accept_change(*, document: ExportDocument) -> None:
    """Leave Xero as it is: the day shows the difference as accepted (amber), not red."""
    claimed = (
        ExportDocument.objects.filter(pk=document.pk, xero_change_decision="")
        .exclude(xero_change="")
        .update(xero_change_decision=XeroChangeDecision.ACCEPTED, updated_at=timezone.now())
    )
    if not claimed:
        raise DecisionRefused(MSG_CANNOT_ACCEPT.format(number=document.number))
    queue_reconciliation(outlet_id=document.outlet_id, start=document.business_date)


def decide(*, document: ExportDocument, decision: str) -> ExportDocument | None:
    """ "reexport" (returns the new document) or "accept" (returns None)."""
    if decision == "reexport":
        return reexport_document(document=document)
    accept_change(document=document)
    return None
