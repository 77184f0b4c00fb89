from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import NotFound
from xero_integration.exports.sale_state import (
    FAILED,
    IN_DOCUMENT,
    QUEUED,
    RESOLVED,
    SALE_NOT_FOUND,
    SENT,
    WAITING,
    find_sale,
    sale_state,
)
from xero_integration.models import DocumentKind, ErrorSource, ExportStatus

from . import examples
from .schema import MERCHANT_ID, errors
from .scope import resolve_scope

STATES = [WAITING, QUEUED, IN_DOCUMENT, SENT, FAILED, RESOLVED]


@extend_schema_serializer(component_name="SaleDocument")
class SaleDocument(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    status = serializers.ChoiceField(choices=ExportStatus.choices)
    payments_status = serializers.ChoiceField(choices=ExportStatus.choices)
    sent_at = serializers.DateTimeField(allow_null=True)
    xero_id = serializers.CharField(allow_null=True)
    xero_url = serializers.URLField(
        allow_null=True, help_text="Opens the document in Xero's web app."
    )


class SaleStateView(APIView):
    """Where one sale is on its way to Xero: waiting and why, in which document, sent, failed."""

    @extend_schema_serializer(component_name="SaleState")
    class Output(serializers.Serializer):
        sale_id = serializers.CharField()
        pos_station_id = serializers.CharField()
        type = serializers.CharField()
        total = serializers.DecimalField(max_digits=14, decimal_places=2)
        currency = serializers.CharField()
        business_date = serializers.DateField()
        state = serializers.ChoiceField(
            choices=STATES,
            help_text="waiting (and why), queued (for the outlet's schedule), in_document (on "
            "its way), sent, failed (and why), resolved (fixed by hand in Xero).",
        )
        reasons = serializers.ListField(child=serializers.CharField())
        reason_source = serializers.ChoiceField(
            choices=ErrorSource.choices,
            allow_null=True,
            help_text="xero: Xero's own words; ours: this service's, Xero was not asked.",
        )
        document = SaleDocument(allow_null=True, help_text="Null until the sale is planned.")

    @extend_schema(
        tags=["sales"],
        summary="Where one sale is on its way to Xero",
        description=(
            "The sale's export state: `waiting` (with the reasons, e.g. a payment method "
            "nothing maps), `queued` for the outlet's schedule, `in_document` on its way, "
            "`sent`, `failed` (with Xero's message), or `resolved` by hand; its document "
            "number and the link that opens it in Xero."
        ),
        parameters=[
            MERCHANT_ID,
            OpenApiParameter(
                "sale_id", str, OpenApiParameter.PATH, description="The POS's sale id."
            ),
        ],
        responses={200: Output, **errors(400, 404)},
        examples=[examples.SALE_SENT, examples.SALE_WAITING],
    )
    def get(self, request: Request, sale_id: str) -> Response:
        merchant, _ = resolve_scope(request, request.query_params)
        sale = find_sale(merchant_id=merchant.pk, sale_id=sale_id)
        if sale is None:
            raise NotFound(SALE_NOT_FOUND.format(sale_id=sale_id, merchant_id=merchant.merchant_id))
        return Response(self.Output(sale_state(sale=sale)).data)
