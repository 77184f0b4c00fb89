"""Operational admin: alert settings are edited here; problems, webhook deliveries and
worker heartbeats are read-only records."""

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from .models import AlertSettings, Problem, WebhookDelivery, WorkerHeartbeat, new_webhook_secret


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AlertSettings)
class AlertSettingsAdmin(admin.ModelAdmin):
    list_display = ("merchant", "finance_emails", "webhook_url", "updated_at")
    list_select_related = ("merchant",)
    search_fields = ("merchant__merchant_id", "merchant__name", "webhook_url")
    # A secret is never shown in the admin (the POS receives it from the API when it
    # registers or rotates): staff see its first characters, to tell secrets apart.
    fields = ("merchant", "finance_emails", "webhook_url", "secret_hint", "updated_at")
    readonly_fields = ("secret_hint", "updated_at")
    actions = ("rotate_secret",)

    @admin.display(description="Webhook secret")
    def secret_hint(self, alert_settings: AlertSettings) -> str:
        secret = alert_settings.webhook_secret or ""
        return f"{secret[:10]}… (shown to the POS only)" if secret else "—"

    @admin.action(description="Rotate the webhook secret", permissions=["change"])
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[AlertSettings]) -> None:
        for alert_settings in queryset:
            alert_settings.webhook_secret = new_webhook_secret()
            alert_settings.save(update_fields=["webhook_secret", "updated_at"])
        self.message_user(request, f"Rotated {queryset.count()} secret(s).", messages.SUCCESS)


@admin.register(Problem)
class ProblemAdmin(ReadOnly):
    list_display = ("opened_at", "kind", "merchant", "outlet", "cleared_at", "notified_at")
    list_filter = (("cleared_at", admin.EmptyFieldListFilter), "kind", "merchant", "outlet")
    list_select_related = ("merchant", "outlet")
    search_fields = ("key", "detail", "merchant__name")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnly):
    list_display = (
        "created_at",
        "event",
        "merchant",
        "url",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
    )
    list_filter = ("status", "event", "merchant")
    list_select_related = ("merchant",)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnly):
    list_display = ("name", "host", "pid", "started_at", "seen_at")
    ordering = ("-seen_at",)
