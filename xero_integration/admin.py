"""Operational admin for Xero: connection health and call logs, all read-only.

Connections are made by the OAuth flow and changed by the services; the admin only
shows them. Tokens are never shown: no form, column or read-only field names them.
"""

from django.contrib import admin
from django.utils import formats, timezone
from django.utils.text import Truncator

from .models import ReferenceRecord, SyncLog, XeroConnection


def token_validity(expires_at) -> str | None:
    if expires_at is None:
        return None
    when = formats.date_format(timezone.localtime(expires_at), "DATETIME_FORMAT")
    return f"valid until {when}" if expires_at > timezone.now() else f"expired {when}"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the integration: staff may look, not touch."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(XeroConnection)
class XeroConnectionAdmin(ReadOnlyAdmin):
    list_display = (
        "tenant_name", "merchant", "status", "is_merchant_default",
        "access_token_validity", "refresh_token_validity", "last_refreshed_at",
    )
    # `status` answers "who needs reconnecting?" in one click.
    list_filter = ("status", "is_merchant_default", "merchant")
    list_select_related = ("merchant",)
    search_fields = ("tenant_name", "tenant_id", "merchant__name", "merchant__merchant_id")
    # Listed explicitly so that access_token and refresh_token can never appear.
    fields = (
        "merchant", "tenant_name", "tenant_id", "xero_connection_id", "is_merchant_default",
        "status", "status_reason", "access_token_validity", "refresh_token_validity",
        "last_refreshed_at", "scopes", "auth_event_id", "created_at", "updated_at",
        "disconnected_at",
    )
    readonly_fields = fields

    @admin.display(description="Access token", ordering="access_token_expires_at")
    def access_token_validity(self, connection):
        return token_validity(connection.access_token_expires_at)

    @admin.display(description="Refresh token", ordering="refresh_token_expires_at")
    def refresh_token_validity(self, connection):
        return token_validity(connection.refresh_token_expires_at)


@admin.register(SyncLog)
class SyncLogAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at", "operation", "merchant", "outlet", "outcome", "http_status",
        "attempt", "duration_ms", "short_error",
    )
    list_filter = ("outcome", "operation", "merchant")
    list_select_related = ("merchant", "outlet")
    date_hierarchy = "created_at"
    search_fields = ("correlation_id", "error")

    @admin.display(description="Error")
    def short_error(self, log):
        return Truncator(log.error).chars(80)


@admin.register(ReferenceRecord)
class ReferenceRecordAdmin(ReadOnlyAdmin):
    list_display = ("kind", "code", "name", "status", "connection", "merchant", "refreshed_at")
    list_filter = ("kind", "status", "connection")
    list_select_related = ("connection__merchant",)
    search_fields = ("code", "name")

    @admin.display(description="Merchant", ordering="connection__merchant__name")
    def merchant(self, record):
        return record.connection.merchant
