"""Merchants and outlets for finance staff: each page shows its outlets, mappings and Xero health.

Composed here, above the apps whose models it shows (outlets, mappings, xero_integration),
so that none of those imports another's admin.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypedDict

from django import forms
from django.contrib import admin
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from mappings.forms import MappingForm, MappingRowsFormSet, OutletOverridesFormSet
from mappings.models import Mapping
from outlets.forms import ExportSettingsForm, ExportSettingsFormSet, OutletForm
from outlets.models import ExportSettings, Merchant, Outlet

from ..connection.selectors import connection_for
from ..exports.warnings import early_warnings
from ..models import ConnectionStatus, ExportDocument, ExportStatus, XeroConnection
from ..setup.checklist import number_preview
from .common import local_time
from .setup import SetupViews, setup_url

NOT_CONNECTED = "not_connected"


class MerchantRow(TypedDict):
    """What MerchantAdmin.get_queryset adds to each merchant for its columns."""

    outlet_count: int
    xero_status: str | None
    failed_count: int


if TYPE_CHECKING:  # django-stubs-ext is a dev tool; annotations naming it stay strings
    from django_stubs_ext import WithAnnotations

    AnnotatedMerchant = WithAnnotations[Merchant, MerchantRow]


def limit_connections_to_merchant(
    form_class: type[forms.ModelForm], merchant_id: int | None
) -> None:
    """Offer only the merchant's own Xero organisations (OutletForm rejects others too)."""
    field = form_class.base_fields.get("xero_connection")  # absent for view-only staff
    if isinstance(field, forms.ModelChoiceField):
        connections = XeroConnection.objects
        # A merchant still being added (no id) has none.
        field.queryset = (
            connections.filter(merchant_id=merchant_id)
            if merchant_id is not None
            else connections.none()
        )


def ensure_export_settings(outlets: Iterable[Outlet]) -> None:
    # Outlets added as rows of the merchant page get the defaults, as
    # outlets.services.create_outlet gives them.
    for outlet in outlets:
        ExportSettings.objects.get_or_create(outlet=outlet)


def export_settings_of(outlet: Outlet) -> ExportSettings | None:
    # getattr's default covers an outlet without a settings row (made outside the services).
    return getattr(outlet, "export_settings", None)


def merchant_xero_status() -> Subquery:
    """Status of the connection a merchant exports to: its default live one, else any live one."""
    live = XeroConnection.objects.filter(merchant=OuterRef("pk")).exclude(
        status=ConnectionStatus.DISCONNECTED
    )
    return Subquery(live.order_by("-is_merchant_default", "pk").values("status")[:1])


def failed_exports(**filters: Any) -> QuerySet[ExportDocument]:
    """Exports waiting for a person: the document or its payments failed (as mark_resolved)."""
    failed = Q(status=ExportStatus.FAILED) | Q(payments_status=ExportStatus.FAILED)
    return ExportDocument.objects.filter(failed, **filters)


def count_subquery(queryset: QuerySet[Any], group_by: str) -> Coalesce:
    """COUNT(*) of a correlated queryset, as one subquery (no join, no per-row query)."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1]), 0)


def latest(queryset: QuerySet[Any], field: str) -> Subquery:
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1])


def failed_exports_link(count: int, **filters: object) -> int | SafeString:
    """The count, linking to those exports in the export list."""
    if not count:
        return 0
    query = "&".join(f"{key}={value}" for key, value in {"status": "failed", **filters}.items())
    url = reverse("admin:xero_integration_exportdocument_changelist")
    return format_html('<a href="{}?{}">{}</a>', url, query, count)


class XeroStatusFilter(admin.SimpleListFilter):
    title = "Xero connection"
    parameter_name = "xero"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [
            (ConnectionStatus.ACTIVE, ConnectionStatus.ACTIVE.label),
            (ConnectionStatus.NEEDS_RECONNECT, ConnectionStatus.NEEDS_RECONNECT.label),
            (NOT_CONNECTED, "Not connected"),
        ]

    def queryset(
        self, request: HttpRequest, queryset: "QuerySet[AnnotatedMerchant]"
    ) -> "QuerySet[AnnotatedMerchant]":
        if self.value() == NOT_CONNECTED:
            # The django-stubs plugin checks __isnull on an annotation against the
            # annotation's own type (str | None) instead of bool.
            return queryset.filter(xero_status__isnull=True)  # type: ignore[misc]
        if self.value():
            return queryset.filter(xero_status=self.value())
        return queryset


class OutletInline(admin.TabularInline):
    """The merchant's outlets, each with how its exports are going, at a glance.

    Export times come from the outlet's documents, not the call log: a call to Xero
    carries documents of several outlets, so a SyncLog names an outlet only sometimes.
    """

    model = Outlet
    form = OutletForm
    fields = (
        "pos_station_id",
        "name",
        "timezone",
        "is_active",
        "xero_connection",
        "last_sent_at",
        "last_failure_at",
        "failed_export_count",
    )
    readonly_fields = ("last_sent_at", "last_failure_at", "failed_export_count")
    extra = 0
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Outlet]:
        documents = ExportDocument.objects.filter(outlet=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                last_sent=latest(documents.filter(sent_at__isnull=False), "sent_at"),
                last_failure=latest(failed_exports(outlet=OuterRef("pk")), "updated_at"),
                failed_count=count_subquery(failed_exports(outlet=OuterRef("pk")), "outlet"),
            )
        )

    def get_formset(
        self, request: HttpRequest, obj: Merchant | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet]:
        formset = super().get_formset(request, obj, **kwargs)
        limit_connections_to_merchant(formset.form, obj.pk if obj else None)
        return formset

    # getattr: a row being added has no annotations.
    @admin.display(description="Last sent to Xero")
    def last_sent_at(self, outlet: Outlet) -> str:
        return local_time(getattr(outlet, "last_sent", None), outlet.timezone)

    @admin.display(description="Last failed export")
    def last_failure_at(self, outlet: Outlet) -> str:
        return local_time(getattr(outlet, "last_failure", None), outlet.timezone)

    @admin.display(description="Failed exports")
    def failed_export_count(self, outlet: Outlet) -> int | SafeString:
        return failed_exports_link(getattr(outlet, "failed_count", 0), outlet__id__exact=outlet.pk)


class MappingInline(admin.TabularInline):
    """Mapping rows checked against Xero's cached reference data, grouped by type."""

    model = Mapping
    form = MappingForm
    fields = ("type", "pos_value", "xero_value")
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Mapping]:
        return super().get_queryset(request).order_by("type", "pos_value")


class MerchantMappingInline(MappingInline):
    """The merchant's defaults; each outlet's overrides are on that outlet's page."""

    fk_name = "merchant"
    formset = MappingRowsFormSet
    verbose_name = "merchant default mapping"
    verbose_name_plural = "mappings (merchant defaults; outlet overrides are on each outlet)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Mapping]:
        return super().get_queryset(request).filter(outlet__isnull=True)


@admin.register(Merchant)
class MerchantAdmin(SetupViews, admin.ModelAdmin):
    list_display = (
        "setup_link",
        "name",
        "merchant_id",
        "currency",
        "amounts_include_tax",
        "outlet_count",
        "xero_status",
        "failed_export_count",
    )
    list_display_links = ("name",)
    list_filter = (XeroStatusFilter, "currency", "amounts_include_tax")
    search_fields = ("name", "merchant_id")
    inlines = (OutletInline, MerchantMappingInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Merchant]:
        failed = failed_exports(outlet__merchant=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                outlet_count=Count("outlets"),
                xero_status=merchant_xero_status(),
                failed_count=count_subquery(failed, "outlet__merchant"),
            )
        )

    def get_readonly_fields(
        self, request: HttpRequest, obj: Merchant | None = None
    ) -> tuple[str, ...]:
        # The POS knows the merchant by this id: changing it would orphan its API calls.
        return ("merchant_id", "created_at") if obj else ("created_at",)

    def get_urls(self) -> list[URLPattern]:
        return [*self.setup_urls(), *super().get_urls()]

    def response_add(
        self, request: HttpRequest, obj: Merchant, post_url_continue: str | None = None
    ) -> HttpResponse:
        # A new merchant's next step is connecting Xero: the setup page says so.
        if "_addanother" in request.POST or "_continue" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        super().response_add(request, obj, post_url_continue)  # its "was added" message
        return HttpResponseRedirect(setup_url(obj.pk))

    @admin.display(description="Setup")
    def setup_link(self, merchant: Merchant) -> SafeString:
        return format_html('<a href="{}">Setup →</a>', setup_url(merchant.pk))

    @admin.display(description="Outlets", ordering="outlet_count")
    def outlet_count(self, merchant: "AnnotatedMerchant") -> int:
        return merchant.outlet_count

    @admin.display(description="Xero", ordering="xero_status")
    def xero_status(self, merchant: "AnnotatedMerchant") -> str:
        if merchant.xero_status is None:
            return "Not connected"
        return ConnectionStatus(merchant.xero_status).label

    @admin.display(description="Failed exports", ordering="failed_count")
    def failed_export_count(self, merchant: "AnnotatedMerchant") -> int | SafeString:
        return failed_exports_link(merchant.failed_count, outlet__merchant__id__exact=merchant.pk)

    def save_formset(
        self, request: HttpRequest, form: forms.ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is Outlet:
            ensure_export_settings(formset.new_objects)


class ExportSettingsInline(admin.StackedInline):
    model = ExportSettings
    form = ExportSettingsForm
    formset = ExportSettingsFormSet
    can_delete = False
    readonly_fields = ("document_numbers",)

    @admin.display(description="Document numbers (as saved)")
    def document_numbers(self, settings: ExportSettings) -> str:
        if settings.pk is None:
            return "Shown once the outlet is saved."
        return number_preview(settings.outlet)


class OutletOverrideInline(MappingInline):
    fk_name = "outlet"
    formset = OutletOverridesFormSet
    verbose_name = "mapping override"
    verbose_name_plural = "mapping overrides at this outlet (beat the merchant's defaults)"


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    form = OutletForm
    list_display = (
        "name",
        "pos_station_id",
        "merchant",
        "timezone",
        "is_active",
        "export_frequency",
        "export_grouping",
    )
    list_filter = (
        "is_active",
        "export_settings__frequency",
        "export_settings__grouping",
        "merchant",
    )
    list_select_related = ("merchant", "export_settings")
    search_fields = ("name", "pos_station_id", "merchant__name", "merchant__merchant_id")
    inlines = (ExportSettingsInline, OutletOverrideInline)

    def get_readonly_fields(
        self, request: HttpRequest, obj: Outlet | None = None
    ) -> tuple[str, ...]:
        # Sales and mappings hang off (merchant, station id): moving an outlet would
        # mislabel them, so both are fixed once the outlet exists.
        if obj is None:
            return ("created_at",)
        return ("merchant", "pos_station_id", "created_at", "early_warnings")

    @admin.display(description="Early warnings")
    def early_warnings(self, outlet: Outlet) -> str:
        """On the outlet's own page only: a few reads for one outlet, never per list row."""
        connection = connection_for(merchant=outlet.merchant, outlet=outlet)
        warnings = early_warnings(merchant=outlet.merchant, outlet=outlet, connection=connection)
        return "\n".join(w.detail for w in warnings) or "None"

    def get_form(
        self, request: HttpRequest, obj: Outlet | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None:
            limit_connections_to_merchant(form, obj.merchant_id)
        return form

    @admin.display(description="Export frequency", ordering="export_settings__frequency")
    def export_frequency(self, outlet: Outlet) -> str | None:
        settings = export_settings_of(outlet)
        return settings.get_frequency_display() if settings else None

    @admin.display(description="Grouping", ordering="export_settings__grouping")
    def export_grouping(self, outlet: Outlet) -> str | None:
        settings = export_settings_of(outlet)
        return settings.get_grouping_display() if settings else None
