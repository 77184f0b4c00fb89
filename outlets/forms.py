"""Admin forms for the merchant and outlet pages: checks a single model cannot make alone."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from .models import ApiClient, ExportSettings, Outlet

OTHER_MERCHANTS_CONNECTION = "This Xero connection belongs to another merchant."
API_CLIENT_NO_SCOPE = "Choose the merchants this key may use, or tick “All merchants”."
API_CLIENT_BOTH_SCOPES = "Tick “All merchants” or choose merchants, not both."
DUPLICATE_MAPPING = "{type} '{pos_value}' is mapped twice here; keep one row."


class OutletForm(forms.ModelForm):
    """An outlet on its own page or as a row of its merchant's page."""

    class Meta:
        model = Outlet
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        connection, merchant_id = cleaned.get("xero_connection"), self._merchant_id()
        if connection and merchant_id and connection.merchant_id != merchant_id:
            self.add_error("xero_connection", OTHER_MERCHANTS_CONNECTION)
        return cleaned

    def _merchant_id(self):
        # The merchant is a field only on the add page; elsewhere it is fixed on the row.
        merchant = self.cleaned_data.get("merchant")
        return merchant.pk if merchant else self.instance.merchant_id


class ExportSettingsForm(forms.ModelForm):
    class Meta:
        model = ExportSettings
        fields = "__all__"

    def has_changed(self):
        # Django skips new inline rows left untouched, but every outlet needs its settings
        # row, so a new one is saved even at the defaults.
        return self.instance.pk is None or super().has_changed()


class ApiClientForm(forms.ModelForm):
    class Meta:
        model = ApiClient
        fields = ("name", "all_merchants", "merchants")

    def clean(self):
        cleaned = super().clean()
        if "merchants" in self.errors:
            return cleaned
        # Same rule as outlets.services.create_api_client.
        if cleaned.get("all_merchants") and cleaned.get("merchants"):
            raise ValidationError(API_CLIENT_BOTH_SCOPES)
        if not cleaned.get("all_merchants") and not cleaned.get("merchants"):
            raise ValidationError(API_CLIENT_NO_SCOPE)
        return cleaned


class MappingRowsFormSet(BaseInlineFormSet):
    """The mapping rows of one scope: a merchant's defaults, or one outlet's overrides.

    Every row of the scope is on the page, so a key given twice is caught here. Django's
    own check would miss it: the unique constraints are partial (on `outlet` being NULL or
    not) and are skipped when `outlet` is not a field of the form, which would surface as
    a database error instead of a message.
    """

    def clean(self):
        super().clean()
        keys = [self._key(form) for form in self.forms if self._is_kept(form)]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValidationError(
                [DUPLICATE_MAPPING.format(type=t, pos_value=v) for t, v in duplicates]
            )

    def _is_kept(self, form) -> bool:
        data = getattr(form, "cleaned_data", {})
        deleted = self.can_delete and self._should_delete_form(form)
        return bool(data.get("type") and data.get("pos_value")) and not deleted

    @staticmethod
    def _key(form) -> tuple[str, str]:
        return form.cleaned_data["type"], form.cleaned_data["pos_value"]


class OutletOverridesFormSet(MappingRowsFormSet):
    def save_new(self, form, commit=True):
        # An override belongs to its outlet's merchant; the form does not ask for it.
        form.instance.merchant_id = self.instance.merchant_id
        return super().save_new(form, commit=commit)
