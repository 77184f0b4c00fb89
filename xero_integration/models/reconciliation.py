from django.db import models

from outlets.models import Outlet


class DayStatus(models.TextChoices):
    # Every sale of the day is in Xero as sent, to the cent.
    GREEN = "green", "Matches Xero"
    # Nothing is wrong in Xero, but the day is not all there yet (not exported, waiting,
    # a replacement on its way) or a person accepted a difference.
    AMBER = "amber", "Not all in Xero yet"
    # Xero holds something other than what was sent: missing, voided, deleted, changed.
    RED = "red", "Differs from Xero"


class ReconciliationDay(models.Model):
    """One outlet's business day: the POS totals beside what Xero holds now.

    Written by reconciliation/services.py each time the day is read back from Xero (on
    request, for a webhook event on one of its documents, or by the worker for long
    ranges); the admin calendar and GET /api/xero/reconciliation read these rows.
    """

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="reconciliation_days")
    business_date = models.DateField()
    status = models.CharField(max_length=8, choices=DayStatus.choices)
    # Amounts as decimal strings (JSON has no Decimal): {"sales": "12.30", ...}.
    pos = models.JSONField(default=dict, help_text="The POS totals of the day.")
    xero = models.JSONField(default=dict, help_text="What Xero holds now for the day.")
    difference = models.JSONField(default=dict, help_text="Xero minus POS, per figure.")
    flags = models.JSONField(default=list, help_text="Why the day is not green.")
    documents = models.JSONField(
        default=list, help_text="The documents behind the day, each with what Xero holds."
    )
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["outlet", "business_date"]
        constraints = [
            # One row per outlet-day: a new read-back replaces the last one.
            models.UniqueConstraint(
                fields=["outlet", "business_date"], name="one_reconciliation_per_outlet_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outlet} {self.business_date} ({self.get_status_display()})"
