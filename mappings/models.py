from django.db import models

from outlets.models import Merchant, Outlet


class MappingType(models.TextChoices):
    REVENUE = "revenue", "Revenue: POS category to Xero account"
    PAYMENTS = "payments", "Payments: POS payment method to Xero account"
    TAX = "tax", "Tax: POS tax code to Xero tax type"
    TRACKING = "tracking", "Tracking: Xero tracking category to option"
    SPECIAL = "special", "Special accounts and the walk-in contact"


class SpecialKind(models.TextChoices):
    ROUNDING = "rounding", "Rounding"
    DISCOUNT = "discount", "Discounts"
    TIPS = "tips", "Tips"
    SURCHARGE = "surcharge", "Surcharges"
    GIFT_CARD = "gift_card", "Gift-card liability"
    CASH_OVER_SHORT = "cash_over_short", "Cash over/short"
    CONTACT = "contact", "Contact for walk-in sales"


WILDCARD_CATEGORY = "*"
# The Xero value of a payment method whose sales are paid later (on account, layby): the
# sale becomes its own invoice to the customer's contact, left open until paid. Not an
# account code: Xero's codes are letters and digits only.
ON_ACCOUNT = "ON_ACCOUNT"


class Mapping(models.Model):
    """One POS concept mapped to one Xero code.

    Every mapping type is a key/value pair (see `mappings.types` for what the key and
    value mean per type). A row without an outlet is the merchant's default; a row with
    one overrides the default at that outlet.
    """

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="mappings")
    outlet = models.ForeignKey(
        Outlet,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mappings",
        help_text="Empty: the merchant's default. Set: an override at this outlet only.",
    )
    type = models.CharField(max_length=16, choices=MappingType.choices)
    pos_value = models.CharField(
        max_length=100,
        help_text="Revenue: POS category (* = any other). Payments: method. Tax: POS tax "
        "code. Tracking: Xero tracking category. Special: kind.",
    )
    xero_value = models.CharField(
        max_length=255,
        help_text="Account code, tax type, tracking option or contact name in Xero.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["merchant", "type", "outlet", "pos_value"]
        constraints = [
            # One value per key and scope; two partial constraints because NULL never
            # equals NULL in a plain unique constraint.
            models.UniqueConstraint(
                fields=["merchant", "type", "pos_value"],
                condition=models.Q(outlet__isnull=True),
                name="unique_merchant_mapping",
                violation_error_message="The merchant already maps this POS value for this type.",
            ),
            models.UniqueConstraint(
                fields=["outlet", "type", "pos_value"],
                condition=models.Q(outlet__isnull=False),
                name="unique_outlet_mapping",
                violation_error_message="This outlet already overrides this POS value for this type.",
            ),
        ]
        indexes = [models.Index(fields=["merchant", "type"])]

    def __str__(self) -> str:
        scope = self.outlet.pos_station_id if self.outlet is not None else "merchant"
        return f"{self.type} [{scope}] {self.pos_value} → {self.xero_value}"
