"""The attempt history of each export document: what happened, when, and who acted.

Written beside every state change a person may ask about later (delivery.py, control.py),
and never rewritten, except to mark a failure resolved once a later try succeeds.
"""

from ..models import AttemptOutcome, ExportAttempt, ExportDocument, ExportStatus

DOCUMENT, PAYMENTS = "document", "payments"
PROBLEMS = (AttemptOutcome.FAILED, AttemptOutcome.WAITING, AttemptOutcome.RETRYING)


def lane_of(status_field: str) -> str:
    """The history's name of a delivery lane, from the status field it moves."""
    return PAYMENTS if status_field == "payments_status" else DOCUMENT


def held_lane(document: ExportDocument) -> str:
    """The lane a person acts on: the payments once Xero has the document itself."""
    return PAYMENTS if document.status == ExportStatus.SENT else DOCUMENT


def record_attempt(
    document: ExportDocument,
    *,
    lane: str,
    outcome: str,
    message: str = "",
    source: str = "",
    by: str = "",
) -> ExportAttempt:
    return ExportAttempt.objects.create(
        document=document, lane=lane, outcome=outcome, message=message, source=source, by=by
    )


def record_successes(documents: list[ExportDocument], *, lane: str) -> None:
    """Xero has them: earlier problems of the lane stay in the history, shown as resolved.
    Two statements for a whole batch's answer, however many documents it holds."""
    if not documents:
        return
    ExportAttempt.objects.filter(document__in=documents, lane=lane, outcome__in=PROBLEMS).update(
        superseded=True
    )
    ExportAttempt.objects.bulk_create(
        [ExportAttempt(document=d, lane=lane, outcome=AttemptOutcome.SENT) for d in documents]
    )
