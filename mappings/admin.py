"""Every mapping in one list, for finding "where does X go?" across merchants.

Day-to-day editing happens on the merchant page (defaults) and the outlet page (overrides);
all three use mappings.forms.MappingForm, so Xero's rules apply wherever a row is saved.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from outlets.models import Outlet

from .forms import MappingForm
from .models import Mapping


class LevelFilter(admin.SimpleListFilter):
    title = "level"
    parameter_name = "level"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("merchant", "Merchant default"), ("outlet", "Outlet override")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Mapping]) -> QuerySet[Mapping]:
        if self.value():
            return queryset.filter(outlet__isnull=self.value() == "merchant")
        return queryset


@admin.register(Mapping)
class MappingAdmin(admin.ModelAdmin):
    form = MappingForm
    list_display = ("type", "merchant", "scope", "pos_value", "xero_value", "updated_at")
    list_filter = ("type", LevelFilter, "merchant", "outlet")
    list_select_related = ("merchant", "outlet")
    search_fields = (
        "pos_value",
        "xero_value",
        "merchant__name",
        "merchant__merchant_id",
        "outlet__name",
        "outlet__pos_station_id",
    )
    autocomplete_fields = ("merchant", "outlet")

    @admin.display(description="Applies to", ordering="outlet__name")
    def scope(self, mapping: Mapping) -> Outlet | str:
        return mapping.outlet or "merchant default"
