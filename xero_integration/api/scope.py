"""The merchant (and optionally outlet) a request is about, limited to the key's scope."""

from collections.abc import Mapping
from typing import Any

from rest_framework import exceptions, serializers
from rest_framework.request import Request

from outlets.models import ApiClient, Merchant, Outlet
from outlets.selectors import merchant_for_client, outlet_for_merchant

from .fields import TextField


class ScopeInput(serializers.Serializer):
    merchant_id = TextField(max_length=64)
    pos_station_id = TextField(max_length=64, required=False)


def api_client(request: Request) -> ApiClient:
    """The caller: ApiKeyAuthentication puts its ApiClient in request.auth.

    The stubs type request.auth as DRF's Token; IsAuthenticated (the default permission)
    has let no request through without an ApiClient by the time a view runs.
    """
    client = request.auth
    if not isinstance(client, ApiClient):
        raise exceptions.NotAuthenticated()
    return client


def resolve_scope(request: Request, data: Mapping[str, Any]) -> tuple[Merchant, Outlet | None]:
    """Validate merchant_id / pos_station_id from `data`; 404 for anything out of scope."""
    scope = ScopeInput(data=data)
    scope.is_valid(raise_exception=True)
    merchant = merchant_for_client(
        client=api_client(request), merchant_id=scope.validated_data["merchant_id"]
    )
    station = scope.validated_data.get("pos_station_id")
    outlet = outlet_for_merchant(merchant=merchant, pos_station_id=station) if station else None
    return merchant, outlet
