"""Call logs and cached reference data: read-only, searchable, filtered by who and what."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from outlets.models import Merchant

from ..models import ReferenceRecord, SyncLog
from .common import ReadOnlyAdmin, csv_download, local_time, wrapped

NO_LOGS_YET = (
    "No calls to Xero yet. Connect a merchant to Xero from its setup page "
    "(Merchants → Setup): every call then shows here with Xero's answer."
)
CSV_HEADER = (
    "time_utc",
    "operation",
    "merchant",
    "outlet",
    "outcome",
    "http_status",
    "attempt",
    "duration_ms",
    "documents",
    "correlation_id",
    "error",
)


@admin.register(SyncLog)
class SyncLogAdmin(ReadOnlyAdmin):
    list_display = (
        "created_local",
        "operation",
        "merchant",
        "outlet",
        "outcome",
        "http_status",
        "attempt",
        "duration_ms",
        "document_numbers",
        "short_error",
    )
    list_filter = ("outcome", "operation", "created_at", "merchant", "outlet")
    list_select_related = ("merchant", "outlet")
    date_hierarchy = "created_at"
    # `documents` (JSON list of numbers): "what happened to POSS1-0042?"
    search_fields = ("correlation_id", "error", "documents")
    actions = ("download_csv",)
    change_list_template = "admin/xero_integration/change_list_with_empty_state.html"

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        return super().changelist_view(
            request, {**(extra_context or {}), "empty_message": NO_LOGS_YET}
        )

    @admin.display(description="When", ordering="created_at")
    def created_local(self, log: SyncLog) -> str:
        # A call may carry documents of several outlets: the outlet's zone when it names one.
        return local_time(log.created_at, log.outlet.timezone if log.outlet else None)

    @admin.action(description="Download selected as CSV", permissions=["view"])
    def download_csv(self, request: HttpRequest, queryset: QuerySet[SyncLog]) -> HttpResponse:
        logs = queryset.select_related("merchant", "outlet")
        return csv_download("sync-logs.csv", CSV_HEADER, map(csv_row, logs))

    @admin.display(description="Documents")
    def document_numbers(self, log: SyncLog) -> str:
        return Truncator(", ".join(str(d) for d in log.documents or [])).chars(60)

    @admin.display(description="Error")
    def short_error(self, log: SyncLog) -> SafeString:
        return wrapped(Truncator(log.error).chars(200))


def csv_row(log: SyncLog) -> list[object]:
    return [
        log.created_at.isoformat(),
        log.operation,
        log.merchant.merchant_id if log.merchant else "",
        log.outlet.pos_station_id if log.outlet else "",
        log.outcome,
        log.http_status,
        log.attempt,
        log.duration_ms,
        " ".join(str(d) for d in log.documents or []),
        log.correlation_id,
        log.error,
    ]


@admin.register(ReferenceRecord)
class ReferenceRecordAdmin(ReadOnlyAdmin):
    list_display = ("kind", "code", "name", "status", "connection", "merchant", "refreshed_at")
    list_filter = ("kind", "status", "connection__merchant", "connection")
    list_select_related = ("connection__merchant",)
    search_fields = ("code", "name")

    @admin.display(description="Merchant", ordering="connection__merchant__name")
    def merchant(self, record: ReferenceRecord) -> Merchant:
        return record.connection.merchant
