from collections.abc import Iterable
from typing import Any

from drf_spectacular.utils import (
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mappings.models import MappingType
from mappings.selectors import effective_mappings, mappings_at_scope
from mappings.services import set_mappings
from mappings.types import item_from_mapping
from outlets.models import Merchant, Outlet

from . import examples
from .schema import MERCHANT_ID, POS_STATION_ID, errors
from .schema_mappings import MAPPING_TYPE, MappingItemField, MappingsSchema
from .scope import ScopeInput, resolve_scope

UNKNOWN_TYPE = "Unknown mapping type '{type}'; use one of {types}."


def check_type(mapping_type: str) -> None:
    if mapping_type not in MappingType.values:
        raise NotFound(UNKNOWN_TYPE.format(type=mapping_type, types=", ".join(MappingType.values)))


def items_of(mapping_type: str, pairs: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [item_from_mapping(mapping_type, pos, xero) for pos, xero in pairs]


class MappingsView(APIView):
    """Mappings of one type at one scope; with pos_station_id, also the effective result."""

    class PutInput(ScopeInput):
        mappings = serializers.ListField(child=serializers.JSONField(), allow_empty=True)

    @extend_schema_serializer(component_name="MappingsPut")
    class PutSchema(PutInput):
        # Schema only: PutInput with each item's shape.
        mappings = serializers.ListField(child=MappingItemField(), allow_empty=True)

    @extend_schema(
        tags=["mappings"],
        summary="Mappings of one type at one scope",
        parameters=[MAPPING_TYPE, MERCHANT_ID, POS_STATION_ID],
        responses={200: MappingsSchema, **errors(400, 404)},
        examples=[examples.MAPPINGS_ANSWER],
    )
    def get(self, request: Request, mapping_type: str) -> Response:
        check_type(mapping_type)
        merchant, outlet = resolve_scope(request, request.query_params)
        return Response(self.body(mapping_type, merchant, outlet))

    @extend_schema(
        tags=["mappings"],
        summary="Replace one type at one scope, all or nothing",
        description=(
            "Omit `pos_station_id` to set the merchant's defaults. Every item is checked "
            "against the cached reference data (refresh it first); a bad item answers 400 "
            "naming its index and the reason, and nothing is saved. 409 when the merchant has no "
            "Xero connection or its reference data was never fetched."
        ),
        parameters=[MAPPING_TYPE],
        request=PutSchema,
        responses={200: MappingsSchema, **errors(400, 404, 409, 413)},
        examples=[examples.MAPPINGS_REQUEST, examples.MAPPINGS_PUT_ANSWER],
    )
    def put(self, request: Request, mapping_type: str) -> Response:
        check_type(mapping_type)
        data = self.PutInput(data=request.data)
        data.is_valid(raise_exception=True)
        merchant, outlet = resolve_scope(request, request.data)
        set_mappings(
            merchant=merchant,
            outlet=outlet,
            mapping_type=mapping_type,
            items=data.validated_data["mappings"],
        )
        return Response(self.body(mapping_type, merchant, outlet))

    def body(self, mapping_type: str, merchant: Merchant, outlet: Outlet | None) -> dict[str, Any]:
        rows = mappings_at_scope(merchant_id=merchant.pk, outlet=outlet, mapping_type=mapping_type)
        body: dict[str, Any] = {
            "type": mapping_type,
            "merchant_id": merchant.merchant_id,
            "pos_station_id": outlet.pos_station_id if outlet else None,
            "mappings": items_of(mapping_type, rows.values_list("pos_value", "xero_value")),
        }
        if outlet is not None:
            effective = effective_mappings(outlet=outlet).of_type(mapping_type)
            body["effective"] = items_of(mapping_type, sorted(effective.items()))
        return body
