"""Schema only: the sale format xero_integration.sales.validation.parse_sale checks.

These serializers document the API (drf-spectacular); they validate nothing. Amounts
are decimal STRINGS (a JSON number is refused: it may have passed through a float),
so they are DecimalFields, which COERCE_DECIMAL_TO_STRING documents as strings.
"""

from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from xero_integration.sales.validation import MAX_LINES, SALE_ID_PATTERN


def amount(help_text: str, **kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, help_text=help_text, **kwargs)


def optional_amount(help_text: str) -> serializers.DecimalField:
    return amount(help_text, required=False, default="0.00")


@extend_schema_serializer(component_name="SaleLine")
class SaleLineSchema(serializers.Serializer):
    category = serializers.CharField(
        max_length=100, help_text="The POS category, mapped to a revenue account."
    )
    description = serializers.CharField(
        max_length=4000, required=False, help_text="Defaults to the category."
    )
    quantity = serializers.DecimalField(
        max_digits=16, decimal_places=4, help_text="Not zero; at most 4 decimal places."
    )
    unit_price = serializers.DecimalField(
        max_digits=16, decimal_places=4, help_text="At most 4 decimal places."
    )
    discount = optional_amount("The line's discount; not negative.")
    tax_code = serializers.CharField(
        max_length=100, help_text="The POS tax code, mapped to a Xero tax type."
    )
    tax_amount = optional_amount("The line's tax, sent to Xero as is.")


@extend_schema_serializer(component_name="SalePayment")
class SalePaymentSchema(serializers.Serializer):
    method = serializers.CharField(
        max_length=100, help_text="The POS payment method, mapped to an account."
    )
    amount = amount("Greater than zero.")


@extend_schema_serializer(component_name="Sale")
class SaleSchema(serializers.Serializer):
    id = serializers.RegexField(
        SALE_ID_PATTERN.pattern,
        max_length=100,
        help_text="Unique per merchant; makes ingest idempotent. Letters, digits and . _ : / -",
    )
    pos_station_id = serializers.CharField(max_length=64)
    type = serializers.ChoiceField(
        choices=["sale", "refund"], help_text="A refund has positive amounts."
    )
    occurred_at = serializers.DateTimeField(
        help_text="ISO 8601 with a UTC offset; at most 400 days ago, at most 10 minutes ahead.",
    )
    currency = serializers.CharField(min_length=3, max_length=3, help_text="ISO 4217, e.g. AUD.")
    amounts_include_tax = serializers.BooleanField(
        required=False, help_text="Defaults to the merchant's setting."
    )
    lines = serializers.ListField(child=SaleLineSchema(), min_length=1, max_length=MAX_LINES)
    tips = optional_amount("Not negative.")
    surcharge = optional_amount("Not negative.")
    rounding = optional_amount("Cash rounding; may be negative.")
    payments = serializers.ListField(
        child=SalePaymentSchema(), required=False, help_text="Needed unless the total is zero."
    )
    refund_of = serializers.CharField(
        required=False,
        allow_null=True,
        help_text="For a refund, where known: the id of the refunded sale.",
    )
    customer_id = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=50,
        help_text="The POS's customer, needed when a payment method is mapped ON_ACCOUNT: "
        "the Xero contact with this ContactNumber is invoiced (created if there is none).",
    )
    customer_name = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=255,
        help_text="How the customer's new Xero contact is named (with its id).",
    )


@extend_schema_serializer(component_name="SaleResult")
class SaleResultSchema(serializers.Serializer):
    id = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["accepted", "duplicate", "conflict", "rejected"])
    # A field, not Serializer.errors: DRF's metaclass takes declared fields out of the class.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Field-level reasons, e.g. {"lines[0].unit_price": ["…"]}.',
    )


@extend_schema_serializer(component_name="SalesResult")
class SalesResultSchema(serializers.Serializer):
    accepted = serializers.IntegerField()
    duplicate = serializers.IntegerField()
    conflict = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = SaleResultSchema(many=True)


SALES_EXAMPLE: dict[str, Any] = {
    "merchant_id": "M",
    "sales": [
        {
            "id": "S1-000123",
            "pos_station_id": "S1",
            "type": "sale",
            "occurred_at": "2026-11-23T10:15:00+11:00",
            "currency": "AUD",
            "amounts_include_tax": True,
            "lines": [
                {
                    "category": "coffee",
                    "description": "Flat white",
                    "quantity": "2",
                    "unit_price": "4.50",
                    "discount": "0.00",
                    "tax_code": "GST10",
                    "tax_amount": "0.82",
                }
            ],
            "tips": "1.00",
            "surcharge": "0.00",
            "rounding": "-0.02",
            "payments": [{"method": "card", "amount": "9.98"}],
            "refund_of": None,
        }
    ],
}
