from django.db import models


class XeroTenantLimit(models.Model):
    """Per-tenant rate-limit state shared by every worker process.

    The row is locked (select_for_update) while a process counts call slots and takes
    one, so two processes cannot both see "4 in flight" and both start a 5th call.
    """

    # Unique: the row is the lock that serialises slot-taking for one tenant.
    tenant_id = models.CharField(max_length=64, unique=True)
    blocked_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="No call starts before this time (set from a 429's Retry-After, or when "
        "Xero reports no calls left in the minute or day).",
    )
    block_reason = models.CharField(max_length=32, blank=True)
    minute_remaining = models.IntegerField(
        null=True, blank=True, help_text="X-MinLimit-Remaining of the last answer."
    )
    day_remaining = models.IntegerField(
        null=True, blank=True, help_text="X-DayLimit-Remaining of the last answer."
    )
    remaining_read_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Xero limits of {self.tenant_id}"


class XeroCallSlot(models.Model):
    """One call to a tenant's Accounting API: in flight while finished_at is empty.

    Counting these rows is how the concurrent, minute and day limits are kept across
    processes. Rows older than 25 hours are purged.
    """

    tenant_id = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # Serves the window counts: slots of one tenant started since a time.
            models.Index(fields=["tenant_id", "started_at"], name="xero_slot_tenant_started"),
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id} call at {self.started_at:%Y-%m-%d %H:%M:%S}"
