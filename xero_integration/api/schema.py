"""OpenAPI schema pieces shared by the API views (schema only: nothing here runs a request).

POS developers integrate from /api/docs/ and /api/schema/, so every endpoint declares its
parameters, bodies and error answers; the shapes common to several endpoints live here.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema_serializer,
)
from rest_framework import serializers

from outlets.models import ExportFrequency, ExportGrouping, LockDatePolicy

SECURITY_SCHEME = "ApiKey"


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """Declares outlets.authentication.ApiKeyAuthentication as an HTTP bearer scheme."""

    target_class = "outlets.authentication.ApiKeyAuthentication"
    name = SECURITY_SCHEME

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "Send `Authorization: Bearer <api key>`. A key is created with "
                "`manage.py create_api_key NAME --merchant MERCHANT_ID` or in the admin "
                "(API clients), and sees only the merchants in its scope: any other "
                "merchant answers 404. A missing or wrong key answers 401."
            ),
        }


# ---- parameters ------------------------------------------------------------------------

# The ids the README's and the schema's examples use (the fuzz run seeds them: scripts/fuzz).
EXAMPLE_MERCHANT = [OpenApiExample("A merchant", value="M")]
EXAMPLE_STATION = [OpenApiExample("An outlet", value="S1")]

MERCHANT_ID = OpenApiParameter(
    "merchant_id",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=True,
    description="The POS's merchant id. A merchant outside the key's scope answers 404.",
    examples=EXAMPLE_MERCHANT,
)
POS_STATION_ID = OpenApiParameter(
    "pos_station_id",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    description="The outlet's POS station id; omit it for the merchant as a whole.",
    examples=EXAMPLE_STATION,
)
POS_STATION_ID_REQUIRED = OpenApiParameter(
    "pos_station_id",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=True,
    description="The outlet's POS station id.",
    examples=EXAMPLE_STATION,
)
PAGE = OpenApiParameter(
    "page", OpenApiTypes.INT, OpenApiParameter.QUERY, description="1-based page number."
)


def page_size(*, default: int, maximum: int) -> OpenApiParameter:
    return OpenApiParameter(
        "page_size",
        OpenApiTypes.INT,
        OpenApiParameter.QUERY,
        description=f"Items per page (default {default}, at most {maximum}).",
    )


# ---- bodies ----------------------------------------------------------------------------


@extend_schema_serializer(component_name="Error")
class ErrorSerializer(serializers.Serializer):
    """The body of every error answer (xero_integration.api.exception_handler, config.api_errors)."""

    error = serializers.CharField(
        help_text="A stable code, e.g. invalid, not_found, conflict, not_authenticated."
    )
    detail = serializers.CharField(help_text="A sentence a person can act on.")
    # A field, not Serializer.fields: DRF's metaclass takes declared fields out of the class.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(),
        required=False,
        help_text="Bad input only: each bad field with its messages.",
    )


class PageEnvelope(serializers.Serializer):
    # PageNumberPagination's envelope; page_of() adds the results.
    count = serializers.IntegerField(help_text="Items on all pages.")
    next = serializers.URLField(allow_null=True, help_text="The next page, or null on the last.")
    previous = serializers.URLField(
        allow_null=True, help_text="The previous page, or null on the first."
    )


def page_of(
    component_name: str, item: serializers.BaseSerializer, **extra: serializers.Field
) -> serializers.Serializer:
    """A page of `item`s (pass it with many=True), plus any `extra` top-level fields."""
    # Subclassing keeps count/next/previous first (declared fields sort by creation).
    return type(component_name, (PageEnvelope,), {"results": item, **extra})()


# Frequencies and groupings, for descriptions (the export-settings serializers take strings).
FREQUENCIES = ", ".join(ExportFrequency.values)
GROUPINGS = ", ".join(ExportGrouping.values)
LOCK_DATE_POLICIES = ", ".join(LockDatePolicy.values)

ERROR_DESCRIPTIONS = {
    400: "Bad input: `fields` names each bad field.",
    401: "Missing, malformed, unknown or revoked API key.",
    404: "Unknown merchant, or one outside the key's scope (they answer alike), or an unknown outlet or type.",
    409: "The request conflicts with the connection's state (e.g. Xero is not connected).",
    413: "The body is larger than the service accepts (DATA_UPLOAD_MAX_MEMORY_SIZE).",
    429: "Too many requests for this key (API_THROTTLE_RATE).",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Error responses for extend_schema: 401 and 429 always, plus the given codes."""
    return {
        code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
        for code in sorted({401, 429, *codes})
    }
