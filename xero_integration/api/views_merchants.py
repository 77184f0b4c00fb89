from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from outlets.selectors import merchant_for_client


class MerchantView(APIView):
    """A merchant and its outlets, as this service knows them."""

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

    def get(self, request, merchant_id):
        merchant = merchant_for_client(client=request.auth, merchant_id=merchant_id)
        body = self.Output(merchant).data
        body["outlets"] = self.OutletOutput(merchant.outlets.all(), many=True).data
        return Response(body)
