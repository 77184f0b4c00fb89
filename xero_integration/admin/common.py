"""Pieces the Xero admin pages share."""

from typing import Any

import simplejson
from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.template.defaultfilters import pluralize
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..exports.context import loads


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the integration: staff may look, not touch."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


def may_change(request: HttpRequest, model: type[Model]) -> bool:
    """Whether the user holds the model's change permission, which guards its actions.

    The pages are read-only for everyone, so actions ask the permission itself rather
    than has_change_permission (always False here).
    """
    opts = model._meta
    return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


def exports_count(count: int) -> str:
    return f"{count} export{pluralize(count)}"


def pretty_json(value: Any) -> SafeString:
    """A value as indented JSON in a <pre>; Decimals stay exact (simplejson use_decimal)."""
    text = simplejson.dumps(value, use_decimal=True, indent=2, ensure_ascii=False)
    return format_html('<pre class="json">{}</pre>', text)


def pretty_json_text(text: str, *, empty: str) -> str:
    """Stored JSON text (ExportDocument.body/payments), indented."""
    if not text:
        return empty
    try:
        return pretty_json(loads(text))
    except ValueError:  # never expected; show what is stored rather than fail the page
        return format_html('<pre class="json">{}</pre>', text)
