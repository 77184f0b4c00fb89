from django.db import models
from django.utils import timezone
from fernet_fields import EncryptedTextField

from outlets.models import Merchant


class ConnectionStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    NEEDS_RECONNECT = "needs_reconnect", "Needs reconnect"
    DISCONNECTED = "disconnected", "Disconnected"


class DailyCallLimit(models.IntegerChoices):
    # Xero's daily limit per organisation (developer.xero.com/documentation/oauth2/limits);
    # 1,000 on the Starter tier since March 2026 (xero-api-notes §2).
    STANDARD = 5000, "5,000 calls a day"
    STARTER = 1000, "1,000 calls a day (Xero's Starter plan)"


class XeroConnection(models.Model):
    """A merchant's authorisation to one Xero organisation (tenant).

    Tokens are Fernet-encrypted at rest. Disconnected rows are kept as history.
    """

    merchant = models.ForeignKey(
        Merchant, on_delete=models.PROTECT, related_name="xero_connections"
    )
    is_merchant_default = models.BooleanField(
        default=False,
        help_text="The organisation the merchant's outlets export to unless an outlet names "
        "another connection.",
    )
    tenant_id = models.CharField(max_length=64)
    tenant_name = models.CharField(max_length=255, blank=True)
    xero_connection_id = models.CharField(
        max_length=64, blank=True, help_text="Xero's id of this connection (for disconnecting)."
    )
    auth_event_id = models.CharField(max_length=64, blank=True)
    access_token = EncryptedTextField(blank=True)
    refresh_token = EncryptedTextField(blank=True)
    access_token_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_token_expires_at = models.DateTimeField(null=True, blank=True)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    scopes = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=ConnectionStatus.choices, default=ConnectionStatus.ACTIVE
    )
    status_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    disconnected_at = models.DateTimeField(null=True, blank=True)
    export_claimed_until = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="The lease of the export run that holds this organisation, renewed every few "
        "seconds while it is alive: one run at a time per organisation keeps document order "
        "and Xero's limits simple, and a run that died frees it when the lease runs out.",
    )
    export_claim_token = models.CharField(max_length=32, blank=True, editable=False)
    export_started_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the export run holding it began."
    )
    stale_claim_recovered_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a run last took over the claim of a run that had stopped renewing it.",
    )
    reference_refresh_queued_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Set while a refresh of the reference data is queued and not yet started: "
        "more requests join it instead of queuing more calls to Xero.",
    )
    reference_refresh_task_id = models.CharField(
        max_length=32, blank=True, editable=False, help_text="The queued refresh's task id."
    )
    daily_call_limit = models.PositiveIntegerField(
        choices=DailyCallLimit.choices,
        default=DailyCallLimit.STANDARD,
        help_text="The organisation's daily budget of Xero API calls, by its Xero plan.",
    )

    class Meta:
        ordering = ["merchant", "-is_merchant_default", "tenant_name"]
        constraints = [
            # A merchant has at most one default organisation.
            models.UniqueConstraint(
                fields=["merchant"],
                condition=models.Q(is_merchant_default=True),
                name="one_default_connection_per_merchant",
            ),
            # A tenant is connected at most once per merchant at a time; history rows
            # (disconnected) may repeat.
            models.UniqueConstraint(
                fields=["merchant", "tenant_id"],
                condition=~models.Q(status="disconnected"),
                name="one_live_connection_per_tenant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant_name or self.tenant_id} ({self.get_status_display()})"


class OAuthState(models.Model):
    """A pending authorisation: the `state` sent to Xero, single use, 10-minute life."""

    state_hash = models.CharField(max_length=64, unique=True)
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="+")
    return_url = models.URLField(max_length=2000, blank=True)
    # PKCE (RFC 7636): Xero exchanges the code only with this, so a code that leaks (a log,
    # a browser history) is of no use. Read back at the callback, so encrypted like the tokens.
    code_verifier = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()
