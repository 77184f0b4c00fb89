"""What operations keeps: worker heartbeats, each merchant's alert contacts, the state of
each problem alerted on, and webhook deliveries with their retry state."""

import secrets

from django.db import models
from django.utils import timezone
from fernet_fields import EncryptedTextField

from outlets.models import Merchant, Outlet

WEBHOOK_SECRET_PREFIX = "whsec_"


def new_webhook_secret() -> str:
    return WEBHOOK_SECRET_PREFIX + secrets.token_urlsafe(32)


class WorkerHeartbeat(models.Model):
    """One django-q2 worker process, on any machine, and when it was last seen alive."""

    # Unique: each process updates its own row, so several processes never contend.
    name = models.CharField(max_length=200, unique=True, help_text="host:pid of the process.")
    host = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    # Indexed: the health check asks for the newest beat and those within the last minute.
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"worker {self.name}"


class AlertSettings(models.Model):
    """Where a merchant's alerts go: finance contacts by email, the POS platform by webhook."""

    merchant = models.OneToOneField(
        Merchant, on_delete=models.CASCADE, related_name="alert_settings"
    )
    finance_emails = models.JSONField(
        default=list, blank=True, help_text="Addresses that receive alert and recovery emails."
    )
    webhook_url = models.URLField(
        max_length=500, blank=True, help_text="The POS platform's URL for signed alert webhooks."
    )
    # Encrypted at rest like Xero tokens: it is what proves a webhook came from us.
    webhook_secret = EncryptedTextField(default=new_webhook_secret)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "alert settings"
        verbose_name_plural = "alert settings"

    def __str__(self) -> str:
        return f"Alert settings of {self.merchant}"


class ProblemKind(models.TextChoices):
    EXPORTS_FAILING = "exports_failing", "Exports failing"
    NEEDS_RECONNECT = "needs_reconnect", "Xero connection needs reconnecting"
    EXPORTS_OVERDUE = "exports_overdue", "Nothing exported for too long"
    # Early warnings (xero_integration/exports/warnings.py): trouble that is coming.
    REFRESH_TOKEN_EXPIRING = "refresh_token_expiring", "Xero connection about to expire"
    ARCHIVED_MAPPING = "archived_mapping", "Mapping to an archived account or tax rate"
    LOCK_DATE = "lock_date", "Xero's lock date nears unexported days"
    RECONCILIATION_DIFFERENCE = "reconciliation_difference", "Xero differs from the POS"


class Problem(models.Model):
    """One problem, from when it was first seen until it cleared.

    The row is what makes alerts go once per problem: it is notified once (notified_at)
    and, once it clears, its recovery is notified once (recovery_notified_at). The same
    problem coming back later is a new row, and a new alert.
    """

    key = models.CharField(max_length=200, help_text="What the problem is about, e.g. outlet 12.")
    kind = models.CharField(max_length=32, choices=ProblemKind.choices)
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="+")
    outlet = models.ForeignKey(
        Outlet, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    detail = models.TextField(blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    cleared_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    recovery_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            # One open row per problem: two evaluations at once cannot open it twice.
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(cleared_at__isnull=True), name="one_open_problem"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.key}"

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None


class WebhookDelivery(models.Model):
    """One signed POST to a merchant's webhook URL, with its retry state (STYLE.md §10)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        GAVE_UP = "gave_up", "Gave up"

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="+")
    problem = models.ForeignKey(
        Problem, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    event = models.CharField(max_length=32)
    url = models.URLField(max_length=500)
    # The exact bytes signed and sent on every attempt.
    body = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        # The retry task's scan: pending deliveries that are due.
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} to {self.url} ({self.get_status_display()})"
