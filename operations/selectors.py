"""Reads of the operations app that are not the dashboard's or the health check's."""

from typing import Any

from outlets.models import Merchant

from .models import AlertSettings


def alert_settings_of(*, merchant: Merchant) -> dict[str, Any]:
    """The merchant's alert settings; empty (and no secret yet) until first saved."""
    found = AlertSettings.objects.filter(merchant=merchant).first()
    return {
        "merchant_id": merchant.merchant_id,
        "finance_emails": found.finance_emails if found else [],
        "webhook_url": found.webhook_url if found else "",
        "webhook_secret": found.webhook_secret if found else None,
        "updated_at": found.updated_at if found else None,
    }
