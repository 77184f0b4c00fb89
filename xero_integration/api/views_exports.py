from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from outlets.models import Outlet
from outlets.services import update_export_settings
from xero_integration.exports.control import request_sync
from xero_integration.models import SyncLog
from xero_integration.synclogs import OUTCOMES, sync_logs

from . import examples
from .recent_answers import recent_answer
from .schema import (
    FREQUENCIES,
    GROUPINGS,
    LOCK_DATE_POLICIES,
    MERCHANT_ID,
    PAGE,
    POS_STATION_ID_REQUIRED,
    errors,
    page_of,
    page_size,
)
from .schema_exports import SyncSchema
from .scope import ScopeInput, resolve_scope

# Local wall-clock times as HH:MM. OpenAPI's `format: time` means RFC 3339's HH:MM:SS with
# an offset, which neither the answer ("02:00") nor the outlet's local time is.
HH_MM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
HH_MM_OPTIONAL_SS = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"


@extend_schema_field({"type": "string", "pattern": HH_MM, "example": "02:00"})
class LocalTimeField(serializers.TimeField):
    """A local time of day, answered as HH:MM."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


@extend_schema_field({"type": "string", "pattern": HH_MM_OPTIONAL_SS, "example": "02:00"})
class LocalTimeInputField(serializers.TimeField):
    """A local time of day, sent as HH:MM (or HH:MM:SS)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(input_formats=["%H:%M", "%H:%M:%S"], **kwargs)


class SyncView(APIView):
    """Queue an export now for manual, overdue or failed work."""

    @extend_schema_serializer(component_name="SyncInput")
    class Input(ScopeInput):
        retry_failed = serializers.BooleanField(default=False)

    @extend_schema(
        tags=["exports"],
        summary="Export now",
        description=(
            "Queues an export for the outlet (or every outlet of the merchant) now, for "
            "manual, overdue or failed work. With `retry_failed`, failed documents are "
            "rebuilt with the current mappings and sent again under the same numbers. "
            "Outlets that cannot export are listed under `waiting` with the reasons."
        ),
        request=Input,
        responses={202: SyncSchema, **errors(400, 404, 413)},
        examples=[examples.SYNC_REQUEST, examples.SYNC_ANSWER],
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        merchant, outlet = resolve_scope(request, request.data)
        result = request_sync(
            merchant=merchant, outlet=outlet, retry_failed=data.validated_data["retry_failed"]
        )
        return Response(asdict(result), status=status.HTTP_202_ACCEPTED)


class LogPage(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class LogsView(APIView):
    """The sync history, newest first: every call to Xero with its outcome and Xero's message."""

    class Filters(ScopeInput):
        status = serializers.ChoiceField(choices=list(OUTCOMES), required=False)
        since = serializers.DateTimeField(required=False)
        until = serializers.DateTimeField(required=False)

    class Output(serializers.ModelSerializer):
        pos_station_id = serializers.CharField(source="outlet.pos_station_id", default=None)
        status = serializers.CharField(source="outcome")
        message = serializers.CharField(source="error")

        class Meta:
            model = SyncLog
            fields = [
                "id",
                "created_at",
                "operation",
                "pos_station_id",
                "documents",
                "status",
                "http_status",
                "message",
                "attempt",
                "duration_ms",
                "correlation_id",
            ]

    @extend_schema_serializer(component_name="SyncLog")
    class OutputSchema(Output):
        # Schema only: Output, saying that calls about the whole merchant have no station.
        pos_station_id = serializers.CharField(source="outlet.pos_station_id", allow_null=True)

    @extend_schema(
        tags=["exports"],
        summary="Sync history, newest first",
        description=(
            "Every call to Xero with its outcome and Xero's own message, e.g. "
            "`status=failed` to see why exports failed. `since` is inclusive, `until` exclusive."
        ),
        parameters=[
            Filters,
            PAGE,
            page_size(default=LogPage.page_size, maximum=LogPage.max_page_size),
        ],
        responses={200: page_of("SyncLogPage", OutputSchema(many=True)), **errors(400, 404)},
        examples=[examples.LOGS_ANSWER],
    )
    def get(self, request: Request) -> Response:
        return Response(recent_answer(request, lambda: self.page_of_logs(request)))

    def page_of_logs(self, request: Request) -> Any:
        filters = self.Filters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        merchant, outlet = resolve_scope(request, request.query_params)
        wanted = {k: filters.validated_data.get(k) for k in ("status", "since", "until")}
        logs = sync_logs(merchant=merchant, outlet=outlet, **wanted)
        paginator = LogPage()
        page = paginator.paginate_queryset(logs, request, view=self)
        return paginator.get_paginated_response(self.Output(page, many=True).data).data


class ExportSettingsView(APIView):
    """Read or change an outlet's export settings (validated like the admin form)."""

    @extend_schema_serializer(component_name="ExportSettings")
    class Output(serializers.Serializer):
        frequency = serializers.CharField()
        grouping = serializers.CharField()
        daily_at = LocalTimeField()
        business_day_start_hour = serializers.IntegerField()
        number_prefix = serializers.CharField(source="effective_prefix")
        enabled = serializers.BooleanField()
        lock_date_policy = serializers.CharField()

    @extend_schema_serializer(component_name="ExportSettingsInput")
    class Input(serializers.Serializer):
        frequency = serializers.CharField(required=False)
        grouping = serializers.CharField(required=False)
        daily_at = LocalTimeInputField(required=False)
        business_day_start_hour = serializers.IntegerField(required=False)
        number_prefix = serializers.CharField(required=False, allow_blank=True)
        enabled = serializers.BooleanField(required=False)
        lock_date_policy = serializers.CharField(required=False)

    @extend_schema(
        tags=["exports"],
        summary="An outlet's export settings",
        parameters=[MERCHANT_ID, POS_STATION_ID_REQUIRED],
        responses={200: Output, **errors(400, 404)},
        examples=[examples.EXPORT_SETTINGS_ANSWER],
    )
    def get(self, request: Request) -> Response:
        outlet = self.outlet(request, request.query_params)
        return Response(self.Output(outlet.export_settings).data)

    @extend_schema(
        tags=["exports"],
        summary="Change an outlet's export settings",
        description=(
            "Send only the settings to change; they are validated like the admin form. "
            f"`frequency`: {FREQUENCIES}. `grouping`: {GROUPINGS}. `daily_at`: local HH:MM. "
            "`business_day_start_hour`: 0-23. `number_prefix`: letters, digits and dashes, "
            "unique within the merchant; empty to derive it from the station id. "
            f"`lock_date_policy`: {LOCK_DATE_POLICIES} (for documents dated on or before "
            "Xero's lock date)."
        ),
        parameters=[MERCHANT_ID, POS_STATION_ID_REQUIRED],
        request=Input,
        responses={200: Output, **errors(400, 404, 413)},
        examples=[examples.EXPORT_SETTINGS_REQUEST, examples.EXPORT_SETTINGS_PUT_ANSWER],
    )
    def put(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        outlet = self.outlet(request, {**request.query_params.dict(), **request.data})
        settings = update_export_settings(outlet=outlet, **data.validated_data)
        return Response(self.Output(settings).data)

    def outlet(self, request: Request, params: Mapping[str, Any]) -> Outlet:
        merchant, outlet = resolve_scope(request, params)
        if outlet is None:
            raise serializers.ValidationError({"pos_station_id": ["This field is required."]})
        return outlet
