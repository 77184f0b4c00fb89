from django.db import models
from django.utils import timezone

from outlets.models import Outlet

from .connection import XeroConnection


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"
    # One per outlet-day (grouping daily_journal); its Narration is its number.
    MANUAL_JOURNAL = "manual_journal", "Manual journal"


class ExportStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    # Held on a cause a person fixes elsewhere (a mapping, Xero's reference data): it goes
    # back to pending by itself once the mappings or the reference data change.
    WAITING = "waiting", "Waiting for a fix"
    RESOLVED = "resolved", "Resolved outside Xero"


class ErrorSource(models.TextChoices):
    XERO = "xero", "Xero"
    OURS = "ours", "xero-bridge"


class XeroChange(models.TextChoices):
    """What reading a sent document back from Xero found that differs from what was sent."""

    MISSING = "missing", "Missing in Xero"
    VOIDED = "voided", "Voided in Xero"
    DELETED = "deleted", "Deleted in Xero"
    AMOUNT_CHANGED = "amount_changed", "Amount changed in Xero"
    PAYMENT_REMOVED = "payment_removed", "Payment removed in Xero"


class XeroChangeDecision(models.TextChoices):
    """What a person chose for a document Xero no longer holds as sent."""

    REEXPORTED = "reexported", "Re-exported under a new number"
    ACCEPTED = "accepted", "Accepted as Xero holds it"


class ExportDocument(models.Model):
    """One Xero invoice or credit note, and its payments, with the state of its export.

    Written before any call to Xero; the number is deterministic, so after an unknown
    outcome the exporter can ask Xero whether it already exists.
    """

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="export_documents")
    connection = models.ForeignKey(
        XeroConnection, on_delete=models.PROTECT, related_name="export_documents"
    )
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    grouping = models.CharField(max_length=16)
    number = models.CharField(max_length=255)
    business_date = models.DateField()
    currency = models.CharField(max_length=3)
    sequence = models.PositiveSmallIntegerField(
        default=1, help_text="2 and up: a supplementary document for sales that arrived late."
    )
    status = models.CharField(
        max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    payments_status = models.CharField(
        max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # JSON text written with Decimal amounts as exact numbers (simplejson use_decimal),
    # so what is sent again after a retry is byte for byte what was built.
    body = models.TextField(blank=True, help_text="The document as sent to Xero (JSON).")
    payments = models.TextField(blank=True, help_text="Its payments as sent to Xero (JSON).")
    payments_done = models.JSONField(
        default=list,
        blank=True,
        help_text="References of the payments Xero has accepted, so a replay sends only the rest.",
    )
    xero_id = models.CharField(max_length=64, blank=True)
    customer_id = models.CharField(
        max_length=50,
        blank=True,
        help_text="A sale sold on account: the POS customer whose Xero contact it is invoiced to.",
    )
    xero_payment_ids = models.JSONField(
        default=dict,
        blank=True,
        help_text="Xero's PaymentID of each payment it accepted, by reference: for Open in Xero.",
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    not_before = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True, help_text="Xero's own message, or ours.")
    error_source = models.CharField(
        max_length=8,
        choices=ErrorSource.choices,
        blank=True,
        help_text="Who said last_error: Xero, or this service before any call.",
    )
    built_with = models.CharField(
        max_length=64,
        blank=True,
        help_text="A fingerprint of the mappings the body was built with: a body not yet in "
        "Xero is rebuilt when they change.",
    )
    waiting_since = models.DateTimeField(null=True, blank=True)
    waiting_on = models.CharField(
        max_length=64,
        blank=True,
        help_text="The state of the merchant's mappings when it began waiting; a change to "
        "them (or a refresh of Xero's reference data since) releases it.",
    )
    batch = models.ForeignKey(
        "ExportBatch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        help_text="The last request that carried the document. Set once it was ever tried, so "
        "a late sale never joins a document Xero may already have.",
    )
    payments_batch = models.ForeignKey(
        "ExportBatch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    payments_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # What the last read-back from Xero found (reconciliation/), after the document was sent.
    xero_status = models.CharField(
        max_length=16, blank=True, help_text="The document's status in Xero when last read back."
    )
    xero_change = models.CharField(
        max_length=16,
        choices=XeroChange.choices,
        blank=True,
        help_text="How Xero's copy differs from what was sent, when last read back.",
    )
    xero_checked_at = models.DateTimeField(null=True, blank=True)
    xero_change_decision = models.CharField(
        max_length=16,
        choices=XeroChangeDecision.choices,
        blank=True,
        help_text="What a person chose for a document voided, deleted or missing in Xero.",
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replacement",
        help_text="The document voided or deleted in Xero that this one re-exports. One to "
        "one: a document is re-exported at most once, under one new number.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Xero requires ACCREC invoice and credit-note numbers to be unique per
            # organisation; the same here stops two rows claiming one number.
            models.UniqueConstraint(
                fields=["connection", "kind", "number"], name="unique_document_number"
            ),
        ]
        indexes = [
            models.Index(fields=["connection", "status", "not_before"]),
            # Xero's webhook events name a document by its id: finding ours is one look-up.
            models.Index(fields=["xero_id"], name="export_document_xero_id"),
            # The status endpoint's counts of an outlet's pending, failed and waiting
            # documents, and its in-flight sales, without reading every document.
            models.Index(fields=["outlet", "status"], name="export_doc_outlet_status"),
            models.Index(fields=["outlet", "payments_status"], name="export_doc_outlet_payments"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} ({self.get_status_display()})"


class ExportBatch(models.Model):
    """One request to Xero carrying up to 50 documents or payments.

    Its idempotency key is derived from the row and sent unchanged on every retry,
    so Xero replays rather than repeats it within its ~6-minute key window.
    """

    connection = models.ForeignKey(XeroConnection, on_delete=models.PROTECT, related_name="+")
    operation = models.CharField(max_length=32)
    idempotency_key = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.operation} batch {self.pk}"


class AttemptOutcome(models.TextChoices):
    SENT = "sent", "Sent: Xero has it"
    FAILED = "failed", "Failed"
    WAITING = "waiting", "Waiting for a fix"
    RETRYING = "retrying", "Will retry by itself"
    REPLAYED = "replayed", "Replayed by a person"
    RESOLVED = "resolved", "Marked resolved outside Xero"


class ExportAttempt(models.Model):
    """One thing that happened to a document or its payments, kept after it succeeds.

    The document row holds only its latest state; support staff need the history: when
    each try went, what Xero said, who replayed it. A failure followed by a success is
    kept, marked `superseded`, so it reads as resolved rather than as a live problem.
    """

    document = models.ForeignKey(
        ExportDocument, on_delete=models.CASCADE, related_name="attempt_history"
    )
    lane = models.CharField(max_length=16, help_text="document or payments")
    at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=16, choices=AttemptOutcome.choices)
    message = models.TextField(blank=True)
    source = models.CharField(max_length=8, choices=ErrorSource.choices, blank=True)
    by = models.CharField(max_length=150, blank=True, help_text="Who replayed or resolved it.")
    superseded = models.BooleanField(
        default=False, help_text="A later attempt succeeded: this failure is resolved."
    )

    class Meta:
        ordering = ["-at", "-id"]
        # Serves the document page's history, newest first.
        indexes = [models.Index(fields=["document", "at"], name="attempt_document_at")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} at {self.at:%Y-%m-%d %H:%M:%S}"
