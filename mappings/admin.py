"""Every mapping in one list, for finding "where does X go?" across merchants.

Day-to-day editing happens on the merchant page (defaults) and the outlet page (overrides).
"""

from django import forms
from django.contrib import admin

from .models import Mapping

OUTLET_OF_ANOTHER_MERCHANT = "This outlet belongs to {merchant}, not to the chosen merchant."


class MappingForm(forms.ModelForm):
    class Meta:
        model = Mapping
        fields = ("merchant", "outlet", "type", "pos_value", "xero_value")

    def clean(self):
        cleaned = super().clean()
        merchant, outlet = cleaned.get("merchant"), cleaned.get("outlet")
        if merchant and outlet and outlet.merchant_id != merchant.pk:
            self.add_error("outlet", OUTLET_OF_ANOTHER_MERCHANT.format(merchant=outlet.merchant))
        return cleaned


class LevelFilter(admin.SimpleListFilter):
    title = "level"
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("merchant", "Merchant default"), ("outlet", "Outlet override")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(outlet__isnull=self.value() == "merchant")
        return queryset


@admin.register(Mapping)
class MappingAdmin(admin.ModelAdmin):
    form = MappingForm
    list_display = ("type", "merchant", "scope", "pos_value", "xero_value", "updated_at")
    list_filter = ("type", LevelFilter, "merchant")
    list_select_related = ("merchant", "outlet")
    search_fields = (
        "pos_value", "xero_value", "merchant__name", "merchant__merchant_id",
        "outlet__name", "outlet__pos_station_id",
    )
    autocomplete_fields = ("merchant", "outlet")

    @admin.display(description="Applies to", ordering="outlet__name")
    def scope(self, mapping):
        return mapping.outlet or "merchant default"
