from dataclasses import asdict

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from outlets.selectors import merchant_for_client
from xero_integration.sales.services import ingest_sales

from . import examples
from .fields import TextField
from .schema import errors
from .schema_sales import SaleSchema, SalesResultSchema
from .scope import api_client

MAX_SALES = 500


class SalesView(APIView):
    """Register up to 500 sales and refunds; each is answered on its own."""

    class Input(serializers.Serializer):
        merchant_id = TextField(max_length=64)
        sales = serializers.ListField(
            child=serializers.JSONField(),
            allow_empty=False,
            max_length=MAX_SALES,
            error_messages={"max_length": f"At most {MAX_SALES} sales per request."},
        )

    @extend_schema_serializer(component_name="SalesInput")
    class InputSchema(Input):
        # Schema only: Input with the shape of each sale.
        sales = serializers.ListField(child=SaleSchema(), min_length=1, max_length=MAX_SALES)

    @extend_schema(
        tags=["sales"],
        summary="Register up to 500 sales and refunds",
        description=(
            "Each sale is answered on its own: `accepted`, `duplicate`, `conflict` or "
            "`rejected` with field-level reasons; valid sales are stored even when others "
            "are rejected. Amounts are decimal strings (a JSON number is refused); amounts "
            "have at most 2 decimal places, quantities and unit prices at most 4. A sale "
            "balances: its line totals (quantity x unit price - discount, plus tax where "
            "amounts exclude tax) plus tips, surcharge and rounding equal its payments."
        ),
        request=InputSchema,
        responses={200: SalesResultSchema, **errors(400, 404, 413)},
        examples=[examples.SALES_REQUEST, examples.SALES_ANSWER],
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        merchant = merchant_for_client(
            client=api_client(request), merchant_id=data.validated_data["merchant_id"]
        )
        results = ingest_sales(merchant=merchant, raw_sales=data.validated_data["sales"])
        counts = {
            s: sum(r.status == s for r in results)
            for s in ("accepted", "duplicate", "conflict", "rejected")
        }
        return Response({**counts, "results": [asdict(r) for r in results]})
