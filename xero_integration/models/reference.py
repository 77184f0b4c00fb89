from django.db import models
from django.utils import timezone

from .connection import XeroConnection


class ReferenceKind(models.TextChoices):
    ACCOUNTS = "accounts", "Accounts"
    TAX_RATES = "tax_rates", "Tax rates"
    TRACKING_CATEGORIES = "tracking_categories", "Tracking categories"
    CONTACTS = "contacts", "Contacts"


class ReferenceRecord(models.Model):
    """A cached Xero account, tax rate, tracking category or contact.

    Rows are never deleted by a refresh: an account archived in Xero stays here with
    its status, so a mapping pointing at it is flagged rather than silently broken.
    """

    connection = models.ForeignKey(
        XeroConnection, on_delete=models.CASCADE, related_name="reference_records"
    )
    kind = models.CharField(max_length=24, choices=ReferenceKind.choices)
    xero_id = models.CharField(max_length=64)
    code = models.CharField(max_length=100, blank=True, db_index=True)
    name = models.CharField(max_length=255)
    status = models.CharField(max_length=16)
    data = models.JSONField(default=dict)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "kind", "xero_id"], name="unique_reference_record"
            ),
        ]
        indexes = [models.Index(fields=["connection", "kind", "name"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class ReferenceSnapshot(models.Model):
    """When each kind of reference data was last refreshed, and the organisation itself."""

    connection = models.ForeignKey(
        XeroConnection, on_delete=models.CASCADE, related_name="reference_snapshots"
    )
    kind = models.CharField(max_length=24)
    refreshed_at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "kind"], name="unique_snapshot_kind"),
        ]
