from dataclasses import asdict

from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from outlets.selectors import merchant_for_client
from xero_integration.ingest.services import ingest_sales

MAX_SALES = 500


class SalesView(APIView):
    """Register up to 500 sales and refunds; each is answered on its own."""

    class Input(serializers.Serializer):
        merchant_id = serializers.CharField(max_length=64)
        sales = serializers.ListField(
            child=serializers.JSONField(), allow_empty=False, max_length=MAX_SALES,
            error_messages={"max_length": f"At most {MAX_SALES} sales per request."},
        )

    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        merchant = merchant_for_client(client=request.auth, merchant_id=data.validated_data["merchant_id"])
        results = ingest_sales(merchant=merchant, raw_sales=data.validated_data["sales"])
        counts = {s: sum(r.status == s for r in results) for s in ("accepted", "duplicate", "conflict", "rejected")}
        return Response({**counts, "results": [asdict(r) for r in results]})
