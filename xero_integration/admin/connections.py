"""Xero connections: health at a glance, and what staff may do to one."""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import pluralize
from django.utils import formats, timezone

from .. import tasks
from ..connection import oauth
from ..models import ConnectionStatus, XeroConnection
from .common import ReadOnlyAdmin, may_change

PICK_ONE = "Select exactly one connection to make the merchant's default."
MADE_DEFAULT = "{tenant} is now the default Xero organisation of {merchant}."
DISCONNECTED = "Disconnected {count} connection{s} from Xero."
ALREADY_DISCONNECTED = "{count} already disconnected, skipped."
REFRESH_QUEUED = "Queued a refresh of the reference data of {count} active connection{s}."
XERO_NOT_TOLD = "{tenant}: disconnected here, but Xero was not told: {problems}"


def token_validity(expires_at: datetime.datetime | None) -> str | None:
    if expires_at is None:
        return None
    when = formats.date_format(timezone.localtime(expires_at), "DATETIME_FORMAT")
    return f"valid until {when}" if expires_at > timezone.now() else f"expired {when}"


@admin.register(XeroConnection)
class XeroConnectionAdmin(ReadOnlyAdmin):
    list_display = (
        "tenant_name",
        "merchant",
        "status",
        "is_merchant_default",
        "access_token_validity",
        "refresh_token_validity",
        "last_refreshed_at",
    )
    # `status` answers "who needs reconnecting?" in one click.
    list_filter = ("status", "is_merchant_default", "merchant")
    list_select_related = ("merchant",)
    search_fields = ("tenant_name", "tenant_id", "merchant__name", "merchant__merchant_id")
    # Listed explicitly so that access_token and refresh_token can never appear.
    fields = (
        "merchant",
        "tenant_name",
        "tenant_id",
        "xero_connection_id",
        "is_merchant_default",
        "status",
        "status_reason",
        "access_token_validity",
        "refresh_token_validity",
        "last_refreshed_at",
        "scopes",
        "auth_event_id",
        "created_at",
        "updated_at",
        "disconnected_at",
    )
    readonly_fields = fields
    actions = ("refresh_reference_data", "disconnect", "make_default")

    def has_manage_permission(self, request: HttpRequest) -> bool:
        return may_change(request, XeroConnection)

    @admin.display(description="Access token", ordering="access_token_expires_at")
    def access_token_validity(self, connection: XeroConnection) -> str | None:
        return token_validity(connection.access_token_expires_at)

    @admin.display(description="Refresh token", ordering="refresh_token_expires_at")
    def refresh_token_validity(self, connection: XeroConnection) -> str | None:
        return token_validity(connection.refresh_token_expires_at)

    @admin.action(description="Refresh reference data from Xero now", permissions=["manage"])
    def refresh_reference_data(
        self, request: HttpRequest, queryset: QuerySet[XeroConnection]
    ) -> None:
        active = list(queryset.filter(status=ConnectionStatus.ACTIVE))
        for connection in active:
            tasks.queue_reference_refresh(connection=connection)
        count = len(active)
        self.message_user(
            request, REFRESH_QUEUED.format(count=count, s=pluralize(count)), messages.SUCCESS
        )

    @admin.action(description="Disconnect from Xero", permissions=["manage"])
    def disconnect(self, request: HttpRequest, queryset: QuerySet[XeroConnection]) -> None:
        live = list(
            queryset.exclude(status=ConnectionStatus.DISCONNECTED).select_related("merchant")
        )
        # One at a time: the service revokes the grant only with the merchant's last one.
        results = [oauth.disconnect(connection=connection) for connection in live]
        count, skipped = len(results), queryset.count() - len(results)
        self.message_user(
            request, DISCONNECTED.format(count=count, s=pluralize(count)), messages.SUCCESS
        )
        if skipped:
            self.message_user(request, ALREADY_DISCONNECTED.format(count=skipped), messages.INFO)
        for result in results:
            if not result.xero_notified:
                tenant = result.connection.tenant_name or result.connection.tenant_id
                problems = " ".join(result.problems)
                self.message_user(
                    request,
                    XERO_NOT_TOLD.format(tenant=tenant, problems=problems),
                    messages.WARNING,
                )

    @admin.action(description="Make the merchant's default", permissions=["manage"])
    def make_default(self, request: HttpRequest, queryset: QuerySet[XeroConnection]) -> None:
        if queryset.count() != 1:
            self.message_user(request, PICK_ONE, messages.ERROR)
            return
        connection = queryset.select_related("merchant").get()
        try:
            oauth.make_default_connection(connection=connection)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        tenant = connection.tenant_name or connection.tenant_id
        message = MADE_DEFAULT.format(tenant=tenant, merchant=connection.merchant)
        self.message_user(request, message, messages.SUCCESS)
