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


def record_success(document: ExportDocument, *, lane: str) -> ExportAttempt:
    """Xero has it: earlier problems of the lane stay in the history, shown as resolved."""
    document.attempt_history.filter(lane=lane, outcome__in=PROBLEMS).update(superseded=True)
    return record_attempt(document, lane=lane, outcome=AttemptOutcome.SENT)
