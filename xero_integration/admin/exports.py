"""Exports and sales, for support: what failed, what Xero said, what was sent, what is in it."""

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from outlets.models import Merchant

from ..exports.control import mark_resolved, replay_documents
from ..models import ErrorSource, ExportDocument, ExportStatus, LaterPayment, Sale
from ..tasks import queue_export
from .common import ReadOnlyAdmin, exports_count, may_change, pretty_json, pretty_json_text

FAILED = "failed"
WHO_SAID: dict[str, str] = {
    ErrorSource.XERO.value: "What Xero said:",
    ErrorSource.OURS.value: "xero-bridge's reason (Xero was not asked, or did not answer):",
}
REPLAYED = "Replayed {replayed}; {skipped} skipped (only failed exports can be replayed)."
RESOLVED = "Marked {resolved} resolved outside Xero; {skipped} skipped (only failed exports can be resolved)."


def needs_attention() -> Q:
    # The document or its payments failed: either way a person must look (as mark_resolved).
    return Q(status=ExportStatus.FAILED) | Q(payments_status=ExportStatus.FAILED)


class ExportStatusFilter(admin.SimpleListFilter):
    """Status, with "Failed" first: what needs me? It counts failed payments too."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        others = [(value, label) for value, label in ExportStatus.choices if value != FAILED]
        return [(FAILED, "Failed (document or payments)"), *others]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[ExportDocument]
    ) -> QuerySet[ExportDocument]:
        if self.value() == FAILED:
            return queryset.filter(needs_attention())
        if self.value():
            return queryset.filter(status=self.value())
        return queryset


class SaleInline(admin.TabularInline):
    model = Sale
    fk_name = "document"
    fields = ("sale_id", "type", "occurred_at", "total", "currency")
    readonly_fields = fields
    ordering = ("occurred_at", "pk")
    extra = 0
    show_change_link = True
    verbose_name_plural = "sales in this document"

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ExportDocument)
class ExportDocumentAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "number",
        "kind",
        "outlet",
        "merchant",
        "business_date",
        "currency",
        "total",
        "status",
        "payments_status",
        "attempts",
        "short_error",
    )
    list_filter = (
        ExportStatusFilter,
        "payments_status",
        "kind",
        "grouping",
        "outlet__merchant",
        "outlet",
    )
    list_select_related = ("outlet__merchant",)
    date_hierarchy = "business_date"
    search_fields = ("number", "sales__sale_id", "last_error")
    fieldsets = (
        ("Why it is not sent", {"fields": ("xero_message",)}),
        (
            None,
            {
                "fields": (
                    "number",
                    "kind",
                    "grouping",
                    "outlet",
                    "connection",
                    "business_date",
                    "sequence",
                    "currency",
                    "total",
                    "status",
                    "payments_status",
                    "payments_done",
                    "xero_id",
                    "customer_id",
                    "attempts",
                    "not_before",
                    "batch",
                    "created_at",
                    "updated_at",
                    "sent_at",
                )
            },
        ),
        ("As sent to Xero", {"fields": ("body_json", "payments_json")}),
    )
    readonly_fields = tuple(flatten_fieldsets(fieldsets))
    inlines = (SaleInline,)
    actions = ("replay", "resolve")

    def has_manage_permission(self, request: HttpRequest) -> bool:
        return may_change(request, ExportDocument)

    @admin.display(description="Merchant", ordering="outlet__merchant__name")
    def merchant(self, document: ExportDocument) -> Merchant:
        return document.outlet.merchant

    @admin.display(description="Last error")
    def short_error(self, document: ExportDocument) -> str:
        return Truncator(document.last_error).chars(80)

    @admin.display(description="Who said it")
    def xero_message(self, document: ExportDocument) -> str:
        if not document.last_error:
            return "—"
        # A reason of ours is never shown as Xero's: Xero was not called, or gave no answer.
        who = WHO_SAID.get(document.error_source, WHO_SAID[ErrorSource.OURS.value])
        return format_html(
            '<p><strong>{}</strong></p><p class="errornote" style="white-space: pre-wrap">{}</p>',
            who,
            document.last_error,
        )

    @admin.display(description="Document")
    def body_json(self, document: ExportDocument) -> str:
        return pretty_json_text(
            document.body, empty="(not built yet: built from its sales when sent)"
        )

    @admin.display(description="Payments")
    def payments_json(self, document: ExportDocument) -> str:
        return pretty_json_text(document.payments, empty="(none)")

    @admin.action(description="Replay selected", permissions=["manage"])
    def replay(self, request: HttpRequest, queryset: QuerySet[ExportDocument]) -> None:
        documents = list(queryset)
        before = {d.pk: (d.status, d.payments_status) for d in documents}
        replayed = replay_documents(documents)
        # replay_documents updates the rows it replays in place; those are the ones to send.
        changed = {
            d.connection_id for d in documents if (d.status, d.payments_status) != before[d.pk]
        }
        # Queued once the replay commits (tasks.enqueue), so the run sees the reset rows.
        for connection_id in sorted(changed):
            queue_export(connection_id=connection_id)
        skipped = len(documents) - replayed
        message = REPLAYED.format(replayed=exports_count(replayed), skipped=skipped)
        self.message_user(request, message, messages.SUCCESS if replayed else messages.WARNING)

    @admin.action(description="Mark resolved outside Xero", permissions=["manage"])
    def resolve(self, request: HttpRequest, queryset: QuerySet[ExportDocument]) -> None:
        selected = queryset.count()
        resolved = mark_resolved(queryset)
        message = RESOLVED.format(resolved=exports_count(resolved), skipped=selected - resolved)
        self.message_user(request, message, messages.SUCCESS if resolved else messages.WARNING)


class DocumentFilter(admin.SimpleListFilter):
    title = "document"
    parameter_name = "in_document"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("no", "Not yet in a document"), ("yes", "In a document")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Sale]) -> QuerySet[Sale]:
        if self.value():
            return queryset.filter(document__isnull=self.value() == "no")
        return queryset


@admin.register(Sale)
class SaleAdmin(ReadOnlyAdmin):
    list_display = (
        "sale_id",
        "type",
        "outlet",
        "merchant",
        "occurred_at",
        "business_date",
        "total",
        "currency",
        "document_link",
    )
    list_filter = ("type", DocumentFilter, "merchant", "outlet")
    list_select_related = ("merchant", "outlet", "document")
    date_hierarchy = "business_date"
    search_fields = ("sale_id",)
    fields = (
        "sale_id",
        "type",
        "merchant",
        "outlet",
        "occurred_at",
        "business_date",
        "currency",
        "total",
        "refund_of",
        "document",
        "received_at",
        "content_hash",
        "payload_json",
    )
    readonly_fields = fields

    @admin.display(description="Xero document", ordering="document__number")
    def document_link(self, sale: Sale) -> str:
        if sale.document is None:
            return "not yet in a document"
        url = reverse("admin:xero_integration_exportdocument_change", args=[sale.document_id])
        label = f"{sale.document.number} ({sale.document.get_status_display()})"
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description="Sale as received (normalised)")
    def payload_json(self, sale: Sale) -> SafeString:
        return pretty_json(sale.payload)


@admin.register(LaterPayment)
class LaterPaymentAdmin(ReadOnlyAdmin):
    """Payments registered on sales sold on account; whether Xero has each yet."""

    list_display = ("payment_id", "sale", "merchant", "method", "amount", "paid_at", "in_xero_at")
    list_filter = (("in_xero_at", admin.EmptyFieldListFilter), "merchant")
    list_select_related = ("sale", "merchant")
    search_fields = ("payment_id", "sale__sale_id")
    fields = (
        "payment_id",
        "sale",
        "merchant",
        "method",
        "amount",
        "paid_at",
        "received_at",
        "in_xero_at",
    )
