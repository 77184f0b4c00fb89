"""The admin's mapping form: the rules of mappings.rules, and Xero's own values to pick.

A mapping is only right if Xero accepts it; mappings.rules is the one definition of
"accepts" that the API, the status page and this form share. Of xero_integration this
module reads only the connection and its cached reference data.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms.models import BaseInlineFormSet, InlineForeignKeyField
from django.forms.renderers import BaseRenderer
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from outlets.models import Merchant, Outlet
from xero_integration.connection.selectors import (
    connection_for,
    has_reference_data,
    reference_records,
)
from xero_integration.models import ReferenceKind, ReferenceRecord, XeroConnection

from .models import ON_ACCOUNT, Mapping, MappingType, SpecialKind
from .rules import (
    ACTIVE,
    ReferenceCache,
    check_account_for_lines,
    check_pair,
    check_payment_account,
    check_special_kind,
    check_tracking_count,
)
from .selectors import tracking_categories

OUTLET_OF_ANOTHER_MERCHANT = "This outlet belongs to {merchant}, not to the chosen merchant."
DUPLICATE_MAPPING = "{type} '{pos_value}' is mapped twice here; keep one row."

Options = list[tuple[str, str]]  # (value, label) pairs for a <datalist>
# A check of mappings.rules: why the record cannot be used under that code, or None.
RecordCheck = Callable[[ReferenceRecord, str], str | None]
RelatedModel = TypeVar("RelatedModel", bound=Model)


class DatalistTextInput(forms.TextInput):
    """A text input suggesting values from a `<datalist>`; anything may still be typed.

    `options` is set per form (a callable giving (value, label) pairs) and read only when
    the field is rendered, so an inline row knows its merchant by then.
    """

    options: Callable[[], Options] | None = None

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        options = self.options() if self.options else []
        if not options:
            return super().render(name, value, attrs, renderer)
        # The admin's "Add another" copies the empty row and renumbers `id` and `name`
        # but not `list`, so that row's datalist id must not contain the placeholder.
        list_id = f"{(attrs or {}).get('id') or name}_options".replace("__prefix__", "new")
        field = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        items = format_html_join("", '<option value="{}">{}</option>', options)
        return format_html('{}<datalist id="{}">{}</datalist>', field, list_id, items)


def account_options(connection: XeroConnection, check: RecordCheck) -> Options:
    records = reference_records(connection=connection, kind=ReferenceKind.ACCOUNTS)
    return [(r.code, f"{r.code} — {r.name}") for r in records if check(r, r.code) is None]


def tax_options(connection: XeroConnection) -> Options:
    records = reference_records(connection=connection, kind=ReferenceKind.TAX_RATES)
    return [(r.code, f"{r.code} — {r.name}") for r in records.filter(status=ACTIVE)]


def tracking_options(connection: XeroConnection, category: str = "") -> Options:
    records = reference_records(connection=connection, kind=ReferenceKind.TRACKING_CATEGORIES)
    if category:
        records = records.filter(code=category)
    return [
        (option["Name"], f"{option['Name']} ({record.name})")
        for record in records.filter(status=ACTIVE)
        for option in record.data.get("Options", [])
        if option.get("Status", ACTIVE) == ACTIVE
    ]


def contact_options(connection: XeroConnection) -> Options:
    records = reference_records(connection=connection, kind=ReferenceKind.CONTACTS)
    return [(r.name, f"{r.name} (contact)") for r in records.filter(status=ACTIVE)]


def xero_value_options(connection: XeroConnection, mapping_type: str, pos_value: str) -> Options:
    """What Xero would accept for this row; a new row (no type yet) is offered everything.

    Accounts are filtered with the same checks check_pair applies, so nothing offered
    is then rejected.
    """
    if mapping_type == MappingType.REVENUE:
        return account_options(connection, check_account_for_lines)
    if mapping_type == MappingType.PAYMENTS:
        paid_later = (ON_ACCOUNT, f"{ON_ACCOUNT} — paid later (on account, layby)")
        return account_options(connection, check_payment_account) + [paid_later]
    if mapping_type == MappingType.TAX:
        return tax_options(connection)
    if mapping_type == MappingType.TRACKING:
        return tracking_options(connection, pos_value)
    if mapping_type == MappingType.SPECIAL and pos_value == SpecialKind.CONTACT:
        return contact_options(connection)
    if mapping_type == MappingType.SPECIAL:
        return account_options(
            connection, lambda r, code: check_account_for_lines(r, code, kind=pos_value)
        )
    return (
        account_options(connection, check_active)
        + tax_options(connection)
        + tracking_options(connection)
        + contact_options(connection)
    )


def check_active(record: ReferenceRecord, code: str) -> str | None:
    return None if record.status == ACTIVE else "inactive"


class MappingForm(forms.ModelForm):
    """One mapping row: on the Mapping page, or a row of a merchant's or outlet's page.

    Checked against the connection that will export it, with the API's rules. Unlike the
    API (409 without a connection or fetched reference data), the form then accepts the
    row unchecked: staff may prepare mappings before connecting Xero, a form cannot
    warn-and-save, and the status page (readiness) flags any mapping Xero would refuse.
    """

    class Meta:
        model = Mapping
        fields = ("merchant", "outlet", "type", "pos_value", "xero_value")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields.get("xero_value")
        if field is not None:
            widget = DatalistTextInput(attrs=field.widget.attrs)  # keeps maxlength
            widget.options = self.xero_value_options
            field.widget = widget

    def clean(self) -> dict[str, Any]:
        # ModelForm.clean returns cleaned_data (the stubs type Form.clean's result as optional).
        super().clean()
        cleaned = self.cleaned_data
        merchant, outlet = self.scope()
        if merchant and outlet and outlet.merchant_id != merchant.pk:
            self.add_error("outlet", OUTLET_OF_ANOTHER_MERCHANT.format(merchant=outlet.merchant))
            return cleaned
        mapping_type, pos_value = cleaned.get("type"), cleaned.get("pos_value")
        xero_value = cleaned.get("xero_value")
        if not (merchant and mapping_type and pos_value and xero_value):
            return cleaned  # the missing field has its own error already
        if mapping_type == MappingType.SPECIAL and (reason := check_special_kind(pos_value)):
            self.add_error("pos_value", reason)
            return cleaned
        if mapping_type == MappingType.TRACKING and (
            reason := check_tracking_count(self.tracking_categories(merchant, outlet, pos_value))
        ):
            self.add_error("pos_value", reason)
        connection = self.connection(merchant, outlet)
        if connection is not None and has_reference_data(connection):
            reason = check_pair(ReferenceCache(connection), mapping_type, pos_value, xero_value)
            if reason:
                self.add_error("xero_value", reason)
        return cleaned

    def tracking_categories(
        self, merchant: Merchant, outlet: Outlet | None, category: str
    ) -> set[str]:
        # The categories the scope's lines would carry with this row saved.
        existing = tracking_categories(
            merchant_id=merchant.pk, outlet=outlet, excluding_pk=self.instance.pk
        )
        return existing | {category}

    @staticmethod
    def connection(merchant: Merchant | None, outlet: Outlet | None) -> XeroConnection | None:
        if merchant is None or merchant.pk is None:  # a merchant still being added
            return None
        return connection_for(merchant=merchant, outlet=outlet)

    def scope(self) -> tuple[Merchant | None, Outlet | None]:
        outlet = self.related("outlet", Outlet)
        if outlet is not None and outlet.merchant_id is None:  # an outlet still being added
            return None, None
        merchant = self.related("merchant", Merchant) or (outlet.merchant if outlet else None)
        return merchant, outlet

    def related(self, name: str, model: type[RelatedModel]) -> RelatedModel | None:
        """The row's merchant or outlet, wherever this form has it from."""
        field = self.fields.get(name)
        if isinstance(field, InlineForeignKeyField):  # a row of that merchant's/outlet's page
            parent = field.parent_instance  # of `model`, whose page this is
            return parent if isinstance(parent, model) else None
        if name in getattr(self, "cleaned_data", {}):
            return self.cleaned_data[name]
        if getattr(self.instance, f"{name}_id"):
            return getattr(self.instance, name)
        if name in self.fields and not self.is_bound:
            pk = self.initial.get(name)  # the add page takes ?merchant=<pk>
            if not str(pk or "").isdigit():
                return None
            return model._default_manager.filter(pk=pk).first()  # `objects` of either model
        return None

    def xero_value_options(self) -> Options:
        connection = self.connection(*self.scope())
        if connection is None:
            return []
        mapping_type = self.row_value("type")
        pos_value = self.row_value("pos_value")
        return xero_value_options(connection, mapping_type, pos_value)

    def row_value(self, name: str) -> str:
        if name in getattr(self, "cleaned_data", {}):
            return self.cleaned_data[name] or ""
        return getattr(self.instance, name, "") or ""


class MappingRowsFormSet(BaseInlineFormSet):
    """The mapping rows of one scope: a merchant's defaults, or one outlet's overrides.

    Every row of the scope is on the page, so a key given twice is caught here. Django's
    own check would miss it: the unique constraints are partial (on `outlet` being NULL or
    not) and are skipped when `outlet` is not a field of the form, which would surface as
    a database error instead of a message.
    """

    def clean(self) -> None:
        super().clean()
        keys = [self._key(form) for form in self.forms if self._is_kept(form)]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValidationError(
                [DUPLICATE_MAPPING.format(type=t, pos_value=v) for t, v in duplicates]
            )

    def _is_kept(self, form: forms.BaseForm) -> bool:
        data = getattr(form, "cleaned_data", {})
        # _should_delete_form is Django's own (BaseFormSet), missing from the stubs.
        deleted = self.can_delete and self._should_delete_form(form)  # type: ignore[attr-defined]
        return bool(data.get("type") and data.get("pos_value")) and not deleted

    @staticmethod
    def _key(form: forms.BaseForm) -> tuple[str, str]:
        return form.cleaned_data["type"], form.cleaned_data["pos_value"]


class OutletOverridesFormSet(MappingRowsFormSet):
    def save_new(self, form: MappingForm, commit: bool = True) -> Mapping:
        # An override belongs to its outlet's merchant; the form does not ask for it.
        form.instance.merchant_id = self.instance.merchant_id
        return super().save_new(form, commit=commit)
