"""Connecting and disconnecting a merchant's Xero organisation from the POS."""

from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from outlets.selectors import merchant_for_client

from .. import oauth
from .errors import Conflict
from .scope import resolve_scope


class ConnectView(APIView):
    """The Xero URL to send the merchant's browser to; the callback brings them back."""

    class Input(serializers.Serializer):
        merchant_id = serializers.CharField(max_length=64)
        return_url = serializers.CharField(required=False, allow_blank=True, default="")

    def get(self, request):
        params = self.Input(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        merchant = merchant_for_client(client=request.auth, merchant_id=data["merchant_id"])
        url = oauth.start_authorisation(merchant=merchant, return_url=data["return_url"])
        return Response({"authorize_url": url})


class DisconnectView(APIView):
    """Disconnect the merchant's default organisation, or an outlet's own one."""

    class Output(serializers.Serializer):
        tenant_id = serializers.CharField(source="connection.tenant_id")
        tenant_name = serializers.CharField(source="connection.tenant_name")
        status = serializers.CharField(source="connection.status")
        xero_notified = serializers.BooleanField()
        problems = serializers.ListField(child=serializers.CharField())

    def post(self, request):
        merchant, outlet = resolve_scope(request, request.data)
        try:
            connection = oauth.connection_to_disconnect(merchant=merchant, outlet=outlet)
        except oauth.NotConnected as exc:
            raise Conflict(str(exc)) from None
        return Response(self.Output(oauth.disconnect(connection=connection)).data)
