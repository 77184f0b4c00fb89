"""Telling people about a problem: an email to the merchant's finance contacts and a
signed webhook to the POS platform, when it opens and once more when it clears."""

import json
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import AlertSettings, Problem, WebhookDelivery

logger = logging.getLogger(__name__)

OPENED, CLEARED = "problem.opened", "problem.cleared"
SUBJECT_OPENED = "[xero-bridge] {title}: {merchant}"
SUBJECT_CLEARED = "[xero-bridge] Resolved — {title}: {merchant}"
WHAT_TO_DO = {
    "exports_failing": (
        "Open the operations dashboard (or Export documents, filtered Failed, in the admin) "
        "to read Xero's message, fix the cause, then replay the exports."
    ),
    "needs_reconnect": (
        "Reconnect Xero from the merchant's page in the admin (Connect to Xero), or ask "
        "the merchant to reconnect from the POS. Waiting exports then go out by themselves."
    ),
    "exports_overdue": (
        "Open the operations dashboard: the outlet's row says why its oldest sale waits."
    ),
    "refresh_token_expiring": (
        "Read the connection's sync logs for why the keep-alive refresh failed, then refresh "
        "it from the admin (Xero connections) or have the merchant reconnect before it expires."
    ),
    "archived_mapping": (
        "Map the value to an active account or tax rate (admin Mappings, or PUT "
        "/api/xero/mappings/{type}); documents needing it wait until then."
    ),
    "lock_date": (
        "Export the outlet's waiting days now (POST /api/xero/sync), or agree with the "
        "accountant before the lock date moves; the outlet's lock-date policy says what "
        "happens to days it covers."
    ),
    "reconciliation_difference": (
        "Open the outlet's reconciliation calendar in the admin (or GET "
        "/api/xero/reconciliation): re-export each document Xero no longer holds, or accept "
        "the change as Xero holds it."
    ),
}
# A kind added without its own advice still alerts (never a KeyError in the worker).
DEFAULT_WHAT_TO_DO = "Open the operations dashboard in the admin."
BODY_OPENED = "{detail}\n\nWhat to do: {what}\n\nNoticed at {at}.\n"
BODY_CLEARED = "This has cleared: {detail}\n\nOpened at {opened}, cleared at {cleared}.\n"


def notify(problem: Problem, event: str) -> None:
    """Email and webhook for one event of one problem (the caller makes it once)."""
    contacts = AlertSettings.objects.filter(merchant_id=problem.merchant_id).first()
    if contacts is None:
        logger.warning("alert for %s: the merchant has no alert settings", problem.key)
        return
    if contacts.finance_emails:
        email(problem, event, contacts.finance_emails)
    if contacts.webhook_url:
        WebhookDelivery.objects.create(
            merchant_id=problem.merchant_id,
            problem=problem,
            event=event,
            url=contacts.webhook_url,
            body=webhook_body(problem, event),
        )


def email(problem: Problem, event: str, recipients: list[str]) -> None:
    names = {"title": problem.get_kind_display(), "merchant": problem.merchant.name}
    if event == OPENED:
        subject = SUBJECT_OPENED.format(**names)
        body = BODY_OPENED.format(
            detail=problem.detail,
            what=WHAT_TO_DO.get(problem.kind, DEFAULT_WHAT_TO_DO),
            at=f"{problem.opened_at:%c} UTC",
        )
    else:
        subject = SUBJECT_CLEARED.format(**names)
        body = BODY_CLEARED.format(
            detail=problem.detail,
            opened=f"{problem.opened_at:%c} UTC",
            cleared=f"{problem.cleared_at or timezone.now():%c} UTC",
        )
    try:
        send_mail(subject, body, settings.ALERT_FROM_EMAIL, recipients)
    except Exception:  # the mail server's trouble must not stop the webhook or other alerts
        logger.exception("alert email for %s could not be sent", problem.key)


def webhook_body(problem: Problem, event: str) -> str:
    outlet = problem.outlet
    return json.dumps(
        {
            "event": event,
            "problem": {
                "id": problem.pk,
                "kind": problem.kind,
                "title": problem.get_kind_display(),
                "merchant_id": problem.merchant.merchant_id,
                "pos_station_id": outlet.pos_station_id if outlet else None,
                "detail": problem.detail,
                "opened_at": problem.opened_at.isoformat(),
                "cleared_at": problem.cleared_at.isoformat() if problem.cleared_at else None,
            },
        },
        sort_keys=True,
    )
