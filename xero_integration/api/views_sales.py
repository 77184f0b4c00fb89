from dataclasses import asdict

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from outlets.selectors import merchant_for_client
from xero_integration.sales.later_payments import ACCEPTED, register_later_payment
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


class SalePaymentsView(APIView):
    """Register a payment made after a sale sold on account (or layby)."""

    class Input(serializers.Serializer):
        merchant_id = TextField(max_length=64)

    @extend_schema_serializer(component_name="LaterPaymentInput")
    class InputSchema(Input):
        # Schema only: the service validates these (amounts are decimal strings, as in sales).
        payment_id = serializers.CharField(help_text="The POS's id of the payment; idempotent.")
        method = serializers.CharField(help_text="How the customer paid: a mapped method.")
        amount = serializers.CharField(help_text='A decimal string, e.g. "20.00".')
        paid_at = serializers.DateTimeField(required=False, help_text="Default: now.")

    @extend_schema_serializer(component_name="LaterPayment")
    class Output(serializers.Serializer):
        sale_id = serializers.CharField()
        payment_id = serializers.CharField()
        status = serializers.ChoiceField(choices=["accepted", "duplicate"])
        owed = serializers.CharField(help_text="Still owed on the sale after this payment.")

    @extend_schema(
        tags=["sales"],
        summary="Pay a sale sold on account",
        description=(
            "The sale's invoice was left open in Xero, made out to its customer; this payment "
            "is applied to it exactly once, within a minute. 201 when registered, 200 when the "
            "same payment was registered before; 400 names the field (an amount above what is "
            "owed, the on-account method itself, a sale not sold on account); 409 for the same "
            "payment id with other content."
        ),
        request=InputSchema,
        responses={200: Output, 201: Output, **errors(400, 404, 409, 413)},
        examples=[
            examples.LATER_PAYMENT_REQUEST,
            examples.LATER_PAYMENT_ANSWER,
            examples.LATER_PAYMENT_DUPLICATE,
        ],
    )
    def post(self, request: Request, sale_id: str) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        merchant = merchant_for_client(
            client=api_client(request), merchant_id=data.validated_data["merchant_id"]
        )
        registered = register_later_payment(merchant=merchant, sale_id=sale_id, raw=request.data)
        body = {
            "sale_id": sale_id,
            "payment_id": registered.payment.payment_id,
            "status": registered.status,
            "owed": str(registered.owed),
        }
        return Response(body, status=201 if registered.status == ACCEPTED else 200)
