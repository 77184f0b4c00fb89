from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from outlets.selectors import merchant_for_client, outlets_of

from . import examples
from .schema import EXAMPLE_MERCHANT, errors
from .scope import api_client


class MerchantView(APIView):
    """A merchant and its outlets, as this service knows them."""

    @extend_schema_serializer(component_name="Outlet")
    class OutletOutput(serializers.Serializer):
        pos_station_id = serializers.CharField()
        name = serializers.CharField()
        timezone = serializers.CharField()
        is_active = serializers.BooleanField()

    class Output(serializers.Serializer):
        merchant_id = serializers.CharField()
        name = serializers.CharField()
        currency = serializers.CharField()
        amounts_include_tax = serializers.BooleanField()

    @extend_schema(
        tags=["merchants"],
        summary="A merchant and its outlets",
        parameters=[
            OpenApiParameter(
                "merchant_id",
                str,
                OpenApiParameter.PATH,
                description="The POS's merchant id.",
                examples=EXAMPLE_MERCHANT,
            )
        ],
        # Schema only: the answer is Output plus the outlets that get() adds.
        responses={
            200: inline_serializer(
                "Merchant", {**Output._declared_fields, "outlets": OutletOutput(many=True)}
            ),
            **errors(404),
        },
        examples=[examples.MERCHANT_ANSWER],
    )
    def get(self, request: Request, merchant_id: str) -> Response:
        merchant = merchant_for_client(client=api_client(request), merchant_id=merchant_id)
        body = self.Output(merchant).data
        body["outlets"] = self.OutletOutput(outlets_of(merchant), many=True).data
        return Response(body)
