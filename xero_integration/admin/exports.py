"""Exports and sales, for support: what failed, what Xero said, what was sent, what is in it."""

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from outlets.models import Merchant

from ..connection.links import PAYMENT, short_code, xero_link
from ..exports.control import mark_resolved, replay_documents, retry_now
from ..models import ErrorSource, ExportAttempt, ExportDocument, ExportStatus, LaterPayment, Sale
from ..reconciliation.decisions import DecisionRefused, accept_change, reexport_document
from ..tasks import queue_export
from .common import (
    ReadOnlyAdmin,
    ReadOnlyInline,
    csv_download,
    exports_count,
    local_time,
    may_change,
    pretty_json,
    pretty_json_text,
    wrapped,
)

FAILED = "failed"
WHO_SAID: dict[str, str] = {
    ErrorSource.XERO.value: "What Xero said:",
    ErrorSource.OURS.value: "xero-bridge's reason (Xero was not asked, or did not answer):",
}
REPLAYED = "Replayed {replayed}; {skipped} skipped (only failed exports can be replayed)."
REEXPORTED = "Re-exporting under new numbers: {numbers}. They go to Xero with the next export."
ACCEPTED = "Accepted {count} as Xero holds them."
RESOLVED = "Marked {resolved} resolved outside Xero; {skipped} skipped (only failed exports can be resolved)."
RETRIED = (
    "Export {number} goes to Xero again with the next run (within a minute): its outcome "
    "appears in the attempt history below."
)
NOT_RETRIED = "Export {number} is not failed or waiting: nothing to retry."
NO_EXPORTS_YET = (
    "No export documents yet. Sales become documents once their outlet is connected to "
    "Xero and mapped: open the merchant's setup page (Merchants → Setup) to see what is left."
)
CSV_HEADER = (
    "number",
    "kind",
    "merchant",
    "outlet",
    "business_date",
    "currency",
    "total",
    "status",
    "payments_status",
    "attempts",
    "sent_at",
    "who_said",
    "last_error",
    "xero_link",
)


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


class SaleInline(ReadOnlyInline):
    model = Sale
    fk_name = "document"
    fields = ("sale_id", "type", "occurred_at", "total", "currency")
    readonly_fields = fields
    ordering = ("occurred_at", "pk")
    extra = 0
    show_change_link = True
    verbose_name_plural = "sales in this document"


class AttemptInline(ReadOnlyInline):
    """What happened to the document, newest first; kept after it succeeds."""

    model = ExportAttempt
    fields = ("when", "lane", "what_happened", "who_said", "message_text", "by")
    readonly_fields = fields
    extra = 0
    verbose_name = "attempt"
    verbose_name_plural = "attempt history (newest first; kept after success)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ExportAttempt]:
        return super().get_queryset(request).select_related("document__outlet")

    @admin.display(description="When")
    def when(self, attempt: ExportAttempt) -> str:
        return local_time(attempt.at, attempt.document.outlet.timezone)

    @admin.display(description="What happened")
    def what_happened(self, attempt: ExportAttempt) -> str:
        label = attempt.get_outcome_display()
        return f"{label} (resolved by a later attempt)" if attempt.superseded else label

    @admin.display(description="Who said it")
    def who_said(self, attempt: ExportAttempt) -> str:
        if not attempt.message:
            return "—"
        return "Xero" if attempt.source == ErrorSource.XERO else "xero-bridge (not Xero)"

    @admin.display(description="Message")
    def message_text(self, attempt: ExportAttempt) -> str:
        return wrapped(attempt.message) if attempt.message else "—"


@admin.register(ExportDocument)
class ExportDocumentAdmin(ReadOnlyAdmin):
    list_display = (
        "created_local",
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
        "xero_change",
        "open_in_xero",
    )
    list_filter = (
        ExportStatusFilter,
        "payments_status",
        # "What did Xero change?": voided, deleted, missing, amount changed, payment removed.
        "xero_change",
        "xero_change_decision",
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
                    "open_in_xero",
                    "customer_id",
                    "payments_in_xero",
                    "attempts",
                    "not_before_local",
                    "batch",
                    "created_local",
                    "updated_local",
                    "sent_local",
                )
            },
        ),
        (
            "In Xero now (read back by the reconciliation)",
            {
                "fields": (
                    "xero_status",
                    "xero_change",
                    "xero_checked_at",
                    "xero_change_decision",
                    "replaces",
                    "replaced_by",
                )
            },
        ),
        ("As sent to Xero", {"fields": ("body_json", "payments_json")}),
    )
    readonly_fields = tuple(flatten_fieldsets(fieldsets))
    inlines = (AttemptInline, SaleInline)
    actions = ("replay", "resolve", "reexport", "accept_xero_change", "download_csv")
    change_form_template = "admin/xero_integration/exportdocument/change_form.html"
    change_list_template = "admin/xero_integration/change_list_with_empty_state.html"

    def has_manage_permission(self, request: HttpRequest) -> bool:
        return may_change(request, ExportDocument)

    def get_urls(self) -> list[URLPattern]:
        retry = self.admin_site.admin_view(require_POST(self.retry_view))
        name = "xero_integration_exportdocument_retry"
        return [path("<int:object_id>/retry/", retry, name=name), *super().get_urls()]

    def retry_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The document page's "Retry now": a replay of this one export, then back to it."""
        if not self.has_manage_permission(request):
            raise PermissionDenied
        document = get_object_or_404(ExportDocument, pk=object_id)
        if retry_now(document=document, by=request.user.get_username()):
            self.message_user(request, RETRIED.format(number=document.number), messages.SUCCESS)
        else:
            self.message_user(request, NOT_RETRIED.format(number=document.number), messages.WARNING)
        url = reverse("admin:xero_integration_exportdocument_change", args=[document.pk])
        return HttpResponseRedirect(url)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        context = {**(extra_context or {}), "may_retry": self.has_manage_permission(request)}
        return super().changeform_view(request, object_id, form_url, context)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        context = {**(extra_context or {}), "empty_message": NO_EXPORTS_YET}
        return super().changelist_view(request, context)

    @admin.display(description="Open in Xero")
    def open_in_xero(self, document: ExportDocument) -> str:
        url = xero_link(
            kind=document.kind,
            xero_id=document.xero_id,
            organisation_short_code=short_code(document.connection) if document.xero_id else "",
        )
        if not url:
            return "—"
        return format_html('<a href="{}" target="_blank" rel="noopener">Open in Xero</a>', url)

    @admin.display(description="Payments in Xero")
    def payments_in_xero(self, document: ExportDocument) -> SafeString | str:
        if not document.xero_payment_ids:
            return "—"
        code = short_code(document.connection)
        links = [
            (reference, xero_link(kind=PAYMENT, xero_id=payment_id, organisation_short_code=code))
            for reference, payment_id in sorted(document.xero_payment_ids.items())
        ]
        return format_html_join(
            mark_safe("<br>"),  # noqa: S308 (a constant)
            '<a href="{}" target="_blank" rel="noopener">{}: open in Xero</a>',
            ((url, reference) for reference, url in links),
        )

    @admin.display(description="Created", ordering="created_at")
    def created_local(self, document: ExportDocument) -> str:
        return local_time(document.created_at, document.outlet.timezone)

    @admin.display(description="Updated")
    def updated_local(self, document: ExportDocument) -> str:
        return local_time(document.updated_at, document.outlet.timezone)

    @admin.display(description="Sent")
    def sent_local(self, document: ExportDocument) -> str:
        return local_time(document.sent_at, document.outlet.timezone)

    @admin.display(description="Not before")
    def not_before_local(self, document: ExportDocument) -> str:
        return local_time(document.not_before, document.outlet.timezone)

    @admin.action(description="Download selected as CSV", permissions=["view"])
    def download_csv(
        self, request: HttpRequest, queryset: QuerySet[ExportDocument]
    ) -> HttpResponse:
        documents = queryset.select_related("outlet__merchant", "connection")
        return csv_download("export-documents.csv", CSV_HEADER, map(csv_row, documents))

    @admin.display(description="Merchant", ordering="outlet__merchant__name")
    def merchant(self, document: ExportDocument) -> Merchant:
        return document.outlet.merchant

    @admin.display(description="Last error")
    def short_error(self, document: ExportDocument) -> str:
        return wrapped(Truncator(document.last_error).chars(200))

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

    @admin.display(description="Re-exported as")
    def replaced_by(self, document: ExportDocument) -> str:
        replacement = getattr(document, "replacement", None)
        return replacement.number if replacement is not None else "—"

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
        replayed = replay_documents(documents, by=request.user.get_username())
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
        resolved = mark_resolved(queryset, by=request.user.get_username())
        message = RESOLVED.format(resolved=exports_count(resolved), skipped=selected - resolved)
        self.message_user(request, message, messages.SUCCESS if resolved else messages.WARNING)

    @admin.action(
        description="Re-export under a new number (voided, deleted or missing in Xero)",
        permissions=["manage"],
    )
    def reexport(self, request: HttpRequest, queryset: QuerySet[ExportDocument]) -> None:
        done, refused = [], []
        for document in queryset.select_related("outlet", "connection", "replaces"):
            try:
                done.append(reexport_document(document=document).number)
            except DecisionRefused as exc:
                refused.append(exc.detail)
        if done:
            self.message_user(request, REEXPORTED.format(numbers=", ".join(done)), messages.SUCCESS)
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)

    @admin.action(description="Accept as Xero holds it", permissions=["manage"])
    def accept_xero_change(self, request: HttpRequest, queryset: QuerySet[ExportDocument]) -> None:
        accepted, refused = 0, []
        for document in queryset:
            try:
                accept_change(document=document)
                accepted += 1
            except DecisionRefused as exc:
                refused.append(exc.detail)
        self.message_user(request, ACCEPTED.format(count=exports_count(accepted)), messages.SUCCESS)
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)


def csv_row(document: ExportDocument) -> list[object]:
    link = xero_link(kind=document.kind, xero_id=document.xero_id)
    who = WHO_SAID.get(document.error_source, "") if document.last_error else ""
    return [
        document.number,
        document.get_kind_display(),
        document.outlet.merchant.merchant_id,
        document.outlet.pos_station_id,
        document.business_date,
        document.currency,
        document.total,
        document.get_status_display(),
        document.get_payments_status_display(),
        document.attempts,
        local_time(document.sent_at, document.outlet.timezone) if document.sent_at else "",
        who.rstrip(":"),
        document.last_error,
        link,
    ]


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
        "occurred_local",
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
        "occurred_local",
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

    @admin.display(description="Occurred (outlet's time)", ordering="occurred_at")
    def occurred_local(self, sale: Sale) -> str:
        return local_time(sale.occurred_at, sale.outlet.timezone)

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
