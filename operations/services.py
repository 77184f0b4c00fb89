"""Writes of the operations app: alerts, webhooks, alert settings and replay from the dashboard."""

import datetime

from config.errors import Conflict, NotFound
from outlets.models import Merchant
from xero_integration.exports.control import retry_now
from xero_integration.models import ExportDocument

from . import alerts, webhooks
from .models import AlertSettings, new_webhook_secret

NOT_REPLAYABLE = "Export {number} is not failed any more: nothing to replay."


def evaluate_alerts(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Open and clear problems, notify each once, then send the webhooks that are due."""
    result = alerts.evaluate(now)
    result["webhooks_delivered"] = webhooks.deliver_due(now)
    return result


def deliver_due_webhooks(*, now: datetime.datetime | None = None) -> int:
    return webhooks.deliver_due(now)


def update_alert_settings(
    *,
    merchant: Merchant,
    finance_emails: list[str] | None = None,
    webhook_url: str | None = None,
    rotate_secret: bool = False,
) -> AlertSettings:
    """Change where the merchant's alerts go; only the values given change."""
    alert_settings, _ = AlertSettings.objects.get_or_create(merchant=merchant)
    if finance_emails is not None:
        # One address once, in the order given, compared without case.
        unique = {email.lower(): email for email in reversed(finance_emails)}
        alert_settings.finance_emails = list(reversed(unique.values()))
    if webhook_url is not None:
        alert_settings.webhook_url = webhook_url
    if rotate_secret:
        alert_settings.webhook_secret = new_webhook_secret()
    alert_settings.save()
    return alert_settings


def replay_failed_export(*, document_id: int, by: str = "") -> ExportDocument:
    """The dashboard's replay button: as the admin's "Replay selected", for one export."""
    document = ExportDocument.objects.filter(pk=document_id).first()
    if document is None:
        raise NotFound(f"Export {document_id} was not found.")
    if not retry_now(document=document, by=by):
        raise Conflict(NOT_REPLAYABLE.format(number=document.number))
    return document
