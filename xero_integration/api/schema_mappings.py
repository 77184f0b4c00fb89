"""Schema only: the item shape of each mapping type (mappings.types.ITEM_SHAPES).

These serializers document the API (drf-spectacular); they validate nothing.
"""

from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers

from mappings.models import MappingType, SpecialKind


class RevenueItem(serializers.Serializer):
    category = serializers.CharField(help_text="A POS category; `*` is the default.")
    account_code = serializers.CharField(help_text="A Xero revenue account code.")


class PaymentsItem(serializers.Serializer):
    method = serializers.CharField(help_text="A POS payment method.")
    account_code = serializers.CharField(help_text="A bank account, or one with payments enabled.")


class TaxItem(serializers.Serializer):
    tax_code = serializers.CharField(
        help_text="A POS tax code; map `NONE` to show a tax type on tips, surcharges and rounding."
    )
    tax_type = serializers.CharField(help_text="A Xero tax type, e.g. OUTPUT.")


class TrackingItem(serializers.Serializer):
    tracking_category = serializers.CharField(help_text="A Xero tracking category (at most two).")
    option = serializers.CharField(help_text="Its option, put on every line.")


class SpecialAccountItem(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[k for k in SpecialKind.values if k != SpecialKind.CONTACT]
    )
    account_code = serializers.CharField()


class SpecialContactItem(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[SpecialKind.CONTACT])
    contact_name = serializers.CharField(help_text="The Xero contact for walk-in sales.")


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="MappingItem",
        serializers=[
            RevenueItem,
            PaymentsItem,
            TaxItem,
            TrackingItem,
            SpecialAccountItem,
            SpecialContactItem,
        ],
        resource_type_field_name=None,
        many=False,
    )
)
class MappingItemField(serializers.JSONField):
    """One item; its shape depends on the mapping type in the path."""


@extend_schema_serializer(component_name="Mappings")
class MappingsSchema(serializers.Serializer):
    type = serializers.ChoiceField(choices=MappingType.choices)
    merchant_id = serializers.CharField()
    pos_station_id = serializers.CharField(allow_null=True)
    mappings = serializers.ListField(
        child=MappingItemField(), help_text="The mappings set at this scope."
    )
    effective = serializers.ListField(
        child=MappingItemField(),
        required=False,
        help_text="With pos_station_id only: the outlet's own mappings over the merchant's defaults.",
    )


MAPPING_TYPE = OpenApiParameter(
    "mapping_type",
    str,
    OpenApiParameter.PATH,
    enum=MappingType.values,
    description="revenue, payments, tax, tracking or special; each has its own item shape.",
)
