"""Connecting and disconnecting a merchant's Xero organisation from the POS."""

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

from outlets.selectors import merchant_for_client

from ..connection import oauth
from . import examples
from .fields import TextField
from .schema import errors
from .scope import ScopeInput, api_client, resolve_scope


class ConnectView(APIView):
    """The Xero URL to send the merchant's browser to; the callback brings them back."""

    class Input(serializers.Serializer):
        merchant_id = TextField(max_length=64)
        return_url = TextField(
            max_length=oauth.RETURN_URL_MAX_LENGTH, required=False, allow_blank=True, default=""
        )

    @extend_schema(
        tags=["connection"],
        summary="Start connecting Xero",
        description=(
            "Answers the Xero authorisation URL to open in the merchant's browser (409 `connection_limit` when the app already connects as many Xero organisations as it may: XERO_MAX_CONNECTIONS, 25 for an uncertified app). After "
            "they approve, Xero's callback lands on this service, which then redirects to "
            "`return_url`."
        ),
        parameters=[
            Input,
            OpenApiParameter(
                "return_url",
                str,
                description="Where the merchant's browser goes after Xero; its host must be in XERO_RETURN_URL_HOSTS.",
            ),
        ],
        responses={
            200: inline_serializer("ConnectStart", {"authorize_url": serializers.URLField()}),
            **errors(400, 404, 409),
        },
        examples=[examples.CONNECT_ANSWER],
    )
    def get(self, request: Request) -> Response:
        params = self.Input(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        merchant = merchant_for_client(client=api_client(request), merchant_id=data["merchant_id"])
        url = oauth.start_authorisation(merchant=merchant, return_url=data["return_url"])
        return Response({"authorize_url": url})


class DisconnectView(APIView):
    """Disconnect the merchant's default organisation, or an outlet's own one."""

    @extend_schema_serializer(component_name="Disconnected")
    class Output(serializers.Serializer):
        tenant_id = serializers.CharField(source="connection.tenant_id")
        tenant_name = serializers.CharField(source="connection.tenant_name")
        status = serializers.CharField(source="connection.status")
        xero_notified = serializers.BooleanField()
        problems = serializers.ListField(child=serializers.CharField())

    @extend_schema(
        tags=["connection"],
        summary="Disconnect Xero",
        description=(
            "Disconnects the merchant's default Xero organisation, or with `pos_station_id` "
            "the outlet's own one. History is kept. `xero_notified` is false (with "
            "`problems`) when Xero could not be told; the connection is disconnected anyway."
        ),
        request=ScopeInput,
        responses={200: Output, **errors(400, 404, 409, 413)},
        examples=[examples.SCOPE_REQUEST, examples.DISCONNECT_ANSWER],
    )
    def post(self, request: Request) -> Response:
        merchant, outlet = resolve_scope(request, request.data)
        connection = oauth.connection_to_disconnect(merchant=merchant, outlet=outlet)
        return Response(self.Output(oauth.disconnect(connection=connection)).data)
