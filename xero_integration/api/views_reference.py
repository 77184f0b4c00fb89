from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import Conflict
from outlets.models import Merchant, Outlet
from xero_integration.connection.selectors import (
    connection_for,
    last_refreshed_at,
    reference_records,
)
from xero_integration.models import ReferenceKind, XeroConnection
from xero_integration.tasks import queue_reference_refresh

from . import examples
from .fields import TextField
from .schema import MERCHANT_ID, PAGE, POS_STATION_ID, errors, page_of, page_size
from .scope import ScopeInput, resolve_scope

UNKNOWN_KIND = "Unknown reference data '{kind}'; use one of {kinds}."
NOT_CONNECTED = "Merchant '{merchant_id}' has no Xero connection."


def connection_or_conflict(merchant: Merchant, outlet: Outlet | None) -> XeroConnection:
    connection = connection_for(merchant=merchant, outlet=outlet)
    if connection is None:
        raise Conflict(NOT_CONNECTED.format(merchant_id=merchant.merchant_id))
    return connection


class ReferencePage(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class ReferenceDataView(APIView):
    """The cached accounts, tax rates, tracking categories or contacts of a connection."""

    class Filters(serializers.Serializer):
        search = TextField(required=False, allow_blank=True, max_length=255)

    @extend_schema_serializer(component_name="ReferenceRecord")
    class Output(serializers.Serializer):
        xero_id = serializers.CharField()
        code = serializers.CharField()
        name = serializers.CharField()
        status = serializers.CharField()
        # DRF's metaclass takes declared fields out of the class, so this field does not
        # replace Serializer.data, whatever the stubs make of the name.
        data = serializers.JSONField()  # type: ignore[assignment]

    @extend_schema(
        tags=["reference data"],
        summary="Cached Xero accounts, tax rates, tracking categories or contacts",
        description=(
            "The reference data cached from the merchant's (or the outlet's) Xero "
            "organisation, ordered by code and name; `data` holds Xero's own fields. "
            "Refresh it with POST /api/xero/reference-data/refresh."
        ),
        parameters=[
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=ReferenceKind.values),
            MERCHANT_ID,
            POS_STATION_ID,
            OpenApiParameter(
                "search", str, description="Only records whose name contains this (any case)."
            ),
            PAGE,
            page_size(default=ReferencePage.page_size, maximum=ReferencePage.max_page_size),
        ],
        responses={
            200: page_of(
                "ReferenceDataPage",
                Output(many=True),
                kind=serializers.ChoiceField(choices=ReferenceKind.choices),
                refreshed_at=serializers.DateTimeField(
                    allow_null=True, help_text="null until first fetched."
                ),
            ),
            **errors(400, 404, 409),
        },
        examples=[examples.REFERENCE_ANSWER],
    )
    def get(self, request: Request, kind: str) -> Response:
        if kind not in ReferenceKind.values:
            kinds = ", ".join(ReferenceKind.values)
            raise NotFound(UNKNOWN_KIND.format(kind=kind, kinds=kinds))
        connection = connection_or_conflict(*resolve_scope(request, request.query_params))
        filters = self.Filters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        search = filters.validated_data.get("search", "")
        records = reference_records(connection=connection, kind=kind, search=search)
        paginator = ReferencePage()
        page = paginator.paginate_queryset(records, request, view=self)
        response = paginator.get_paginated_response(self.Output(page, many=True).data)
        response.data["kind"] = kind
        response.data["refreshed_at"] = last_refreshed_at(connection=connection, kind=kind)
        return response


class ReferenceRefreshView(APIView):
    """Queue a refresh of the reference data from Xero; answers the task id."""

    @extend_schema(
        tags=["reference data"],
        summary="Refresh the reference data from Xero",
        description=(
            "Queues the refresh and answers 202 with the task id; a worker fetches from Xero. "
            "While a refresh is queued and not started, more requests join it "
            "(`already_queued`, with its task id) rather than spend the organisation's Xero calls."
        ),
        request=ScopeInput,
        responses={
            202: inline_serializer(
                "ReferenceRefreshQueued",
                {
                    "task_id": serializers.CharField(
                        allow_null=True,
                        help_text="The refresh's task; null only for a moment, while the "
                        "refresh this request joined is being queued.",
                    ),
                    "tenant_name": serializers.CharField(),
                    "already_queued": serializers.BooleanField(),
                },
            ),
            **errors(400, 404, 409, 413),
        },
        examples=[examples.SCOPE_REQUEST, examples.REFRESH_ANSWER],
    )
    def post(self, request: Request) -> Response:
        connection = connection_or_conflict(*resolve_scope(request, request.data))
        queued = queue_reference_refresh(connection=connection)
        body = {
            "task_id": queued.task_id,
            "tenant_name": connection.tenant_name,
            "already_queued": queued.joined,
        }
        return Response(body, status=status.HTTP_202_ACCEPTED)
