"""Xero connections: health at a glance, and what staff may do to one."""

import datetime
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import pluralize
from django.utils import formats, timezone

from .. import tasks
from ..connection import limits, oauth
from ..models import ConnectionStatus, DailyCallLimit, XeroConnection
from .common import ReadOnlyAdmin, may_change

PICK_ONE = "Select exactly one connection to make the merchant's default."
MADE_DEFAULT = "{tenant} is now the default Xero organisation of {merchant}."
DISCONNECTED = "Disconnected {count} connection{s} from Xero."
ALREADY_DISCONNECTED = "{count} already disconnected, skipped."
REFRESH_QUEUED = "Queued a refresh of the reference data of {count} active connection{s}."
XERO_NOT_TOLD = "{tenant}: disconnected here, but Xero was not told: {problems}"
CONNECTED_OF_LIMIT = (
    "{count} of {limit} Xero organisations connected (an uncertified Xero app may connect "
    "at most 25; XERO_MAX_CONNECTIONS)"
)
BUDGET_SET = "The daily call budget of {count} connection{s} is now {budget}."


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
        "daily_call_limit",
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
        "daily_call_limit",
    )
    readonly_fields = fields
    actions = (
        "refresh_reference_data",
        "disconnect",
        "make_default",
        "set_standard_call_budget",
        "set_starter_call_budget",
    )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        count, limit = limits.connected_organisations(), limits.max_connections()
        subtitle = CONNECTED_OF_LIMIT.format(count=count, limit=limit)
        return super().changelist_view(request, {**(extra_context or {}), "subtitle": subtitle})

    @admin.action(
        description="Daily call budget: 5,000 (Xero's plans above Starter)", permissions=["manage"]
    )
    def set_standard_call_budget(
        self, request: HttpRequest, queryset: QuerySet[XeroConnection]
    ) -> None:
        self._set_call_budget(request, queryset, DailyCallLimit.STANDARD)

    @admin.action(
        description="Daily call budget: 1,000 (Xero's Starter plan)", permissions=["manage"]
    )
    def set_starter_call_budget(
        self, request: HttpRequest, queryset: QuerySet[XeroConnection]
    ) -> None:
        self._set_call_budget(request, queryset, DailyCallLimit.STARTER)

    def _set_call_budget(
        self, request: HttpRequest, queryset: QuerySet[XeroConnection], budget: DailyCallLimit
    ) -> None:
        count = queryset.update(daily_call_limit=budget, updated_at=timezone.now())
        message = BUDGET_SET.format(count=count, s=pluralize(count), budget=budget.label)
        self.message_user(request, message, messages.SUCCESS)

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
