from django.db import models
from django.utils import timezone

from outlets.models import Merchant, Outlet

from .connection import XeroConnection


class SyncLog(models.Model):
    """One call to Xero: written before the call, completed after it.

    Never holds a token or secret: the client strips them before writing.
    """

    class Outcome(models.TextChoices):
        STARTED = "started", "Started"
        SUCCESS = "success", "Succeeded"
        FAILED = "failed", "Failed"
        # Xero answered, but refused some elements of a batch (summarizeErrors=false).
        PARTIAL = "partial", "Partly refused"

    operation = models.CharField(max_length=64)
    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    outlet = models.ForeignKey(
        Outlet, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    connection = models.ForeignKey(
        XeroConnection, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    method = models.CharField(max_length=8)
    url = models.CharField(max_length=500)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.STARTED)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    attempt = models.PositiveSmallIntegerField(default=1)
    error = models.TextField(blank=True, help_text="Xero's own error text, or ours.")
    correlation_id = models.CharField(max_length=64, db_index=True)
    documents = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["merchant", "-created_at"]),
            # The status endpoint's last success and last failure: a rare outcome is found
            # without walking back through every log of the merchant.
            models.Index(
                fields=["merchant", "outcome", "-created_at"], name="sync_log_merchant_outcome"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.http_status or ''} {self.get_outcome_display()}"
