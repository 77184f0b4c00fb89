import datetime
import re

from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models

from .validators import validate_currency, validate_not_blank, validate_timezone


class Merchant(models.Model):
    """A business that sells through the POS; the POS names it by `merchant_id`."""

    merchant_id = models.CharField(
        max_length=64,
        unique=True,
        validators=[validate_not_blank],
        help_text="The POS platform's identifier for this merchant.",
    )
    name = models.CharField(max_length=200, validators=[validate_not_blank])
    currency = models.CharField(
        max_length=3,
        default="AUD",
        validators=[validate_currency],
        help_text="Default currency of the merchant's sales (ISO 4217).",
    )
    amounts_include_tax = models.BooleanField(
        default=True, help_text="Whether the POS sends prices with tax included."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.merchant_id})"


class Outlet(models.Model):
    """A POS station of a merchant; sales are exported per outlet."""

    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="outlets")
    pos_station_id = models.CharField(max_length=64, validators=[validate_not_blank])
    name = models.CharField(max_length=200, validators=[validate_not_blank])
    timezone = models.CharField(
        max_length=64,
        default="Australia/Sydney",
        validators=[validate_timezone],
        help_text="IANA timezone; business days and document dates are counted in it.",
    )
    is_active = models.BooleanField(default=True)
    xero_connection = models.ForeignKey(
        "xero_integration.XeroConnection",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outlets",
        help_text="Only for outlets whose books are in another Xero organisation than the "
        "merchant's (a franchise). Empty means the merchant's connection.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["merchant__name", "name"]
        constraints = [
            # The POS names an outlet by station id within its merchant.
            models.UniqueConstraint(
                fields=["merchant", "pos_station_id"], name="unique_station_per_merchant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.pos_station_id})"


class ExportFrequency(models.TextChoices):
    REALTIME = "realtime", "Real time (within a minute of a sale)"
    HOURLY = "hourly", "Hourly"
    DAILY = "daily", "Daily, for the previous business day"
    MANUAL = "manual", "Manual only"


class ExportGrouping(models.TextChoices):
    PER_SALE = "per_sale", "One Xero invoice per sale"
    DAILY_SUMMARY = "daily_summary", "One Xero invoice per outlet per business day"
    DAILY_JOURNAL = "daily_journal", "One Xero manual journal per outlet per business day"


class LockDatePolicy(models.TextChoices):
    """What happens to a document dated inside a period Xero has locked."""

    HOLD = "hold", "Hold it for a person"
    POST_ON_FIRST_OPEN_DATE = (
        "post_on_first_open_date",
        "Post it on the first open date, with its own date in the reference",
    )


class ExportSettings(models.Model):
    outlet = models.OneToOneField(Outlet, on_delete=models.CASCADE, related_name="export_settings")
    frequency = models.CharField(
        max_length=16, choices=ExportFrequency.choices, default=ExportFrequency.DAILY
    )
    grouping = models.CharField(
        max_length=16, choices=ExportGrouping.choices, default=ExportGrouping.DAILY_SUMMARY
    )
    daily_at = models.TimeField(
        default=datetime.time(2, 0),
        help_text="Local time of day at which daily exports run.",
    )
    business_day_start_hour = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(23)],
        help_text="Hour (0-23, local time) at which a business day starts.",
    )
    number_prefix = models.CharField(
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9-]*$", "Use letters, digits and dashes only.")
        ],
        help_text="Prefix of the Xero document numbers of this outlet. Empty: derived from "
        "the station id.",
    )
    enabled = models.BooleanField(default=True)
    lock_date_policy = models.CharField(
        max_length=32,
        choices=LockDatePolicy.choices,
        default=LockDatePolicy.HOLD,
        help_text="For a document dated on or before Xero's lock date: hold it until the "
        "period is unlocked (or the policy changes), or post it on the day after the lock date.",
    )
    next_export_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the next scheduled (hourly or daily) export is due.",
    )
    sync_requested_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Someone asked to export now; kept until a run has planned the outlet.",
    )

    class Meta:
        verbose_name_plural = "export settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(business_day_start_hour__lte=23),
                name="business_day_start_hour_is_an_hour",
            ),
        ]

    def __str__(self) -> str:
        return f"Export settings of {self.outlet}"

    @property
    def effective_prefix(self) -> str:
        """The document-number prefix: as set, or derived from the outlet.

        "POS" + the station id when that is short and plain (S1 → POSS1); otherwise
        "POS" + the outlet's id, because trimming or cleaning station ids could make
        two outlets' numbers collide (till-1 and TILL1).
        """
        if self.number_prefix:
            return self.number_prefix
        station = self.outlet.pos_station_id
        if re.fullmatch(r"[A-Za-z0-9]{1,12}", station):
            return f"POS{station.upper()}"
        return f"POS{self.outlet_id}"


class ApiClient(models.Model):
    """A caller of the REST API (a POS platform), scoped to some or all merchants.

    Only a SHA-256 hash of the key is stored, with a short prefix so staff can tell
    keys apart; the key itself is shown once, when it is created.
    """

    name = models.CharField(max_length=200, validators=[validate_not_blank])
    key_prefix = models.CharField(max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    all_merchants = models.BooleanField(
        default=False, help_text="May read and write every merchant's data."
    )
    merchants = models.ManyToManyField(Merchant, blank=True, related_name="api_clients")
    is_active = models.BooleanField(default=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    data_version = models.PositiveBigIntegerField(
        default=0,
        editable=False,
        help_text=(
            "Raised by each write the key makes and each change of its merchants: answers "
            "kept for the key (xero_integration/api/recent_answers.py) hold for one version."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "API client"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    # DRF treats the authenticated principal as request.user.
    is_authenticated = True


class ApiRequestCount(models.Model):
    """How many requests one API key made in one throttle period (outlets.throttle).

    A row per key and period, counted up by one statement that every web process shares.
    On PostgreSQL the table is UNLOGGED (migration 0010): a count lost in a crash is
    harmless, and its commits then never wait for the disk.
    """

    pk = models.CompositePrimaryKey("key", "period")
    key = models.CharField(max_length=100)
    period = models.BigIntegerField(help_text="The period's number since the epoch.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "API request count"
