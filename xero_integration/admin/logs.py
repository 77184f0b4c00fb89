"""Call logs and cached reference data: read-only, searchable, filtered by who and what."""

from django.contrib import admin
from django.utils.text import Truncator

from outlets.models import Merchant

from ..models import ReferenceRecord, SyncLog
from .common import ReadOnlyAdmin


@admin.register(SyncLog)
class SyncLogAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
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

    @admin.display(description="Documents")
    def document_numbers(self, log: SyncLog) -> str:
        return Truncator(", ".join(str(d) for d in log.documents or [])).chars(60)

    @admin.display(description="Error")
    def short_error(self, log: SyncLog) -> str:
        return Truncator(log.error).chars(80)


@admin.register(ReferenceRecord)
class ReferenceRecordAdmin(ReadOnlyAdmin):
    list_display = ("kind", "code", "name", "status", "connection", "merchant", "refreshed_at")
    list_filter = ("kind", "status", "connection")
    list_select_related = ("connection__merchant",)
    search_fields = ("code", "name")

    @admin.display(description="Merchant", ordering="connection__merchant__name")
    def merchant(self, record: ReferenceRecord) -> Merchant:
        return record.connection.merchant
