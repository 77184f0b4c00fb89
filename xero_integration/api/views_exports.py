from dataclasses import asdict

from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from outlets.services import update_export_settings
from xero_integration.exports.control import request_sync
from xero_integration.models import SyncLog

from .scope import ScopeInput, resolve_scope


class SyncView(APIView):
    """Queue an export now for manual, overdue or failed work."""

    class Input(ScopeInput):
        retry_failed = serializers.BooleanField(default=False)

    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        merchant, outlet = resolve_scope(request, request.data)
        result = request_sync(merchant=merchant, outlet=outlet, retry_failed=data.validated_data["retry_failed"])
        return Response(asdict(result), status=status.HTTP_202_ACCEPTED)


class LogPage(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class LogsView(APIView):
    """The sync history, newest first: every call to Xero with its outcome and Xero's message."""

    STATUSES = {"success": SyncLog.Outcome.SUCCESS, "failed": SyncLog.Outcome.FAILED, "started": SyncLog.Outcome.STARTED}

    class Filters(ScopeInput):
        status = serializers.ChoiceField(choices=["success", "failed", "started"], required=False)
        since = serializers.DateTimeField(required=False)
        until = serializers.DateTimeField(required=False)

    class Output(serializers.ModelSerializer):
        pos_station_id = serializers.CharField(source="outlet.pos_station_id", default=None)
        status = serializers.CharField(source="outcome")
        message = serializers.CharField(source="error")

        class Meta:
            model = SyncLog
            fields = ["id", "created_at", "operation", "pos_station_id", "documents", "status",
                      "http_status", "message", "attempt", "duration_ms", "correlation_id"]

    def get(self, request):
        filters = self.Filters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        merchant, outlet = resolve_scope(request, request.query_params)
        logs = SyncLog.objects.filter(merchant=merchant).select_related("outlet").order_by("-created_at", "-id")
        if outlet is not None:
            logs = logs.filter(outlet=outlet)
        wanted = filters.validated_data
        if "status" in wanted:
            logs = logs.filter(outcome=self.STATUSES[wanted["status"]])
        if "since" in wanted:
            logs = logs.filter(created_at__gte=wanted["since"])
        if "until" in wanted:
            logs = logs.filter(created_at__lt=wanted["until"])
        paginator = LogPage()
        page = paginator.paginate_queryset(logs, request, view=self)
        return paginator.get_paginated_response(self.Output(page, many=True).data)


class ExportSettingsView(APIView):
    """Read or change an outlet's export settings (validated like the admin form)."""

    class Output(serializers.Serializer):
        frequency = serializers.CharField()
        grouping = serializers.CharField()
        daily_at = serializers.TimeField(format="%H:%M")
        business_day_start_hour = serializers.IntegerField()
        number_prefix = serializers.CharField(source="effective_prefix")
        enabled = serializers.BooleanField()

    class Input(serializers.Serializer):
        frequency = serializers.CharField(required=False)
        grouping = serializers.CharField(required=False)
        daily_at = serializers.TimeField(required=False, input_formats=["%H:%M", "%H:%M:%S"])
        business_day_start_hour = serializers.IntegerField(required=False)
        number_prefix = serializers.CharField(required=False, allow_blank=True)
        enabled = serializers.BooleanField(required=False)

    def get(self, request):
        outlet = self.outlet(request, request.query_params)
        return Response(self.Output(outlet.export_settings).data)

    def put(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        outlet = self.outlet(request, {**request.query_params.dict(), **request.data})
        settings = update_export_settings(outlet=outlet, **data.validated_data)
        return Response(self.Output(settings).data)

    def outlet(self, request, params):
        merchant, outlet = resolve_scope(request, params)
        if outlet is None:
            raise serializers.ValidationError({"pos_station_id": ["This field is required."]})
        return outlet
