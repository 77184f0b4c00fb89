"""The merchant (and optionally outlet) a request is about, limited to the key's scope."""

from rest_framework import serializers

from outlets.models import Merchant, Outlet
from outlets.selectors import merchant_for_client, outlet_for_merchant


class ScopeInput(serializers.Serializer):
    merchant_id = serializers.CharField(max_length=64)
    pos_station_id = serializers.CharField(max_length=64, required=False)


def resolve_scope(request, data) -> tuple[Merchant, Outlet | None]:
    """Validate merchant_id / pos_station_id from `data`; 404 for anything out of scope."""
    scope = ScopeInput(data=data)
    scope.is_valid(raise_exception=True)
    merchant = merchant_for_client(
        client=request.auth, merchant_id=scope.validated_data["merchant_id"]
    )
    station = scope.validated_data.get("pos_station_id")
    outlet = outlet_for_merchant(merchant=merchant, pos_station_id=station) if station else None
    return merchant, outlet
