from django.db import models
from django.utils import timezone

from outlets.models import Merchant, Outlet


class SaleType(models.TextChoices):
    SALE = "sale", "Sale"
    REFUND = "refund", "Refund"


class Sale(models.Model):
    """A sale or refund as the POS sent it, validated and normalised.

    `document` is the one Xero document the sale is exported in: a foreign key, so a
    sale can never be in two, and the exporter picks up every sale still without one.
    """

    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="sales")
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="sales")
    sale_id = models.CharField(max_length=100)
    type = models.CharField(max_length=8, choices=SaleType.choices)
    occurred_at = models.DateTimeField()
    business_date = models.DateField()
    currency = models.CharField(max_length=3)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    payload = models.JSONField(help_text="The normalised sale; amounts as strings.")
    content_hash = models.CharField(max_length=64)
    refund_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    document = models.ForeignKey(
        "xero_integration.ExportDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales",
    )
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            # The POS's id makes ingest idempotent: the same sale sent twice is stored once.
            models.UniqueConstraint(
                fields=["merchant", "sale_id"], name="unique_sale_per_merchant"
            ),
        ]
        indexes = [
            # The exporter's scan for sales not yet in a document.
            models.Index(fields=["outlet", "document", "business_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.sale_id} ({self.total} {self.currency})"


class SaleKey(models.Model):
    """A POS value a sale needs mapped (sales/keys.py): a category, a tax code, a payment
    method or a special amount. Kept beside the sale so that finding every unmapped value
    of an outlet's waiting sales is one indexed query, not a read of every sale."""

    sale = models.ForeignKey(Sale, on_delete=models.CASCADE, related_name="mapping_keys")
    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=16)
    key = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sale", "type", "key"], name="unique_sale_key"),
        ]
        indexes = [
            # Serves "the outlet's keys and how many waiting sales hold each".
            models.Index(fields=["outlet", "type", "key"], name="sale_key_outlet_type_key"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.key}"


class LaterPayment(models.Model):
    """A payment registered after the sale, on a sale sold on account (or layby).

    The POS's payment id makes registering it idempotent; it is sent to Xero against the
    sale's open invoice by the payments lane, which remembers by reference what Xero took.
    """

    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="+")
    sale = models.ForeignKey(Sale, on_delete=models.PROTECT, related_name="later_payments")
    payment_id = models.CharField(max_length=100)
    method = models.CharField(max_length=100)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    paid_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    in_xero_at = models.DateTimeField(
        null=True, blank=True, help_text="When Xero accepted it (set by the payments lane)."
    )

    class Meta:
        ordering = ["paid_at", "id"]
        constraints = [
            # The POS's id makes registering a payment idempotent, like a sale's.
            models.UniqueConstraint(
                fields=["merchant", "payment_id"], name="unique_later_payment_per_merchant"
            ),
        ]

    def __str__(self) -> str:
        return f"Payment {self.payment_id} ({self.amount}) on sale {self.sale_id}"
