from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from xero_integration.api.errors import Conflict
from xero_integration.jobs import queue_reference_refresh
from xero_integration.models import ReferenceKind
from xero_integration.selectors import connection_for, last_refreshed_at, reference_records

from .scope import resolve_scope

UNKNOWN_KIND = "Unknown reference data '{kind}'; use one of {kinds}."
NOT_CONNECTED = "Merchant '{merchant_id}' has no Xero connection."


def connection_or_conflict(merchant, outlet):
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

    class Output(serializers.Serializer):
        xero_id = serializers.CharField()
        code = serializers.CharField()
        name = serializers.CharField()
        status = serializers.CharField()
        data = serializers.JSONField()

    def get(self, request, kind):
        if kind not in ReferenceKind.values:
            kinds = ", ".join(ReferenceKind.values)
            raise NotFound(UNKNOWN_KIND.format(kind=kind, kinds=kinds))
        connection = connection_or_conflict(*resolve_scope(request, request.query_params))
        records = reference_records(connection=connection, kind=kind).order_by("code", "name")
        if search := request.query_params.get("search", "").strip():
            records = records.filter(name__icontains=search)
        paginator = ReferencePage()
        page = paginator.paginate_queryset(records, request, view=self)
        response = paginator.get_paginated_response(self.Output(page, many=True).data)
        response.data["kind"] = kind
        response.data["refreshed_at"] = last_refreshed_at(connection=connection, kind=kind)
        return response


class ReferenceRefreshView(APIView):
    """Queue a refresh of the reference data from Xero; answers the task id."""

    def post(self, request):
        connection = connection_or_conflict(*resolve_scope(request, request.data))
        task_id = queue_reference_refresh(connection=connection)
        return Response(
            {"task_id": task_id, "tenant_name": connection.tenant_name},
            status=status.HTTP_202_ACCEPTED,
        )
