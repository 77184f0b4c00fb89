"""Admin forms for the merchant and outlet pages: checks a single model cannot make alone."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from .models import ApiClient, ExportSettings, Outlet
from .services import check_prefix_is_unique

OTHER_MERCHANTS_CONNECTION = "This Xero connection belongs to another merchant."
API_CLIENT_NO_SCOPE = "Choose the merchants this key may use, or tick “All merchants”."
API_CLIENT_BOTH_SCOPES = "Tick “All merchants” or choose merchants, not both."


class OutletForm(forms.ModelForm):
    """An outlet on its own page or as a row of its merchant's page."""

    class Meta:
        model = Outlet
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        # ModelForm.clean returns cleaned_data (the stubs type Form.clean's result as optional).
        super().clean()
        cleaned = self.cleaned_data
        connection, merchant_id = cleaned.get("xero_connection"), self._merchant_id()
        if connection and merchant_id and connection.merchant_id != merchant_id:
            self.add_error("xero_connection", OTHER_MERCHANTS_CONNECTION)
        return cleaned

    def _merchant_id(self) -> int | None:
        # The merchant is a field only on the add page; elsewhere it is fixed on the row.
        merchant = self.cleaned_data.get("merchant")
        return merchant.pk if merchant else self.instance.merchant_id


class ExportSettingsForm(forms.ModelForm):
    class Meta:
        model = ExportSettings
        fields = "__all__"

    def has_changed(self) -> bool:
        # Django skips new inline rows left untouched, but every outlet needs its settings
        # row, so a new one is saved even at the defaults.
        return self.instance.pk is None or super().has_changed()


class ExportSettingsFormSet(BaseInlineFormSet):
    """The outlet's settings row on its page, held to the API's rule: one prefix per
    merchant (services.check_prefix_is_unique), so the admin cannot save what the API
    refuses and silently stop another outlet. A formset check, because only the formset
    knows the outlet, on the add page too (the outlet is not saved yet)."""

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or "number_prefix" not in form.cleaned_data:
                continue
            settings = form.instance
            settings.outlet = self.instance
            settings.number_prefix = form.cleaned_data["number_prefix"]
            try:
                check_prefix_is_unique(settings)
            except ValidationError as error:
                form.add_error(None, error)


class ApiClientForm(forms.ModelForm):
    class Meta:
        model = ApiClient
        fields = ("name", "all_merchants", "merchants")

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns cleaned_data, as above
        cleaned = self.cleaned_data
        if "merchants" in self.errors:
            return cleaned
        # Same rule as outlets.services.create_api_client.
        if cleaned.get("all_merchants") and cleaned.get("merchants"):
            raise ValidationError(API_CLIENT_BOTH_SCOPES)
        if not cleaned.get("all_merchants") and not cleaned.get("merchants"):
            raise ValidationError(API_CLIENT_NO_SCOPE)
        return cleaned
