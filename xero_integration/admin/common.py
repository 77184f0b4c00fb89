"""Pieces the Xero admin pages share."""

import csv
import datetime
import decimal
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import simplejson
from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import pluralize
from django.utils import timezone
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


class ReadOnlyInline(admin.TabularInline):
    """Rows of the integration shown on another's page: look, never touch."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
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


def local_time(moment: datetime.datetime | None, zone_name: str | None) -> str:
    """A time in the outlet's zone, labelled with it; labelled UTC where no outlet applies.

    Staff read these beside business dates, which are local: an unlabelled UTC time
    beside them reads as the wrong day.
    """
    if moment is None:
        return "—"
    zone = ZoneInfo(zone_name) if zone_name else datetime.UTC
    local = timezone.localtime(moment, zone)
    label = zone_name or "UTC"
    return f"{local:%Y-%m-%d %H:%M:%S} {label}"


def wrapped(text: str) -> SafeString:
    """Long text (Xero's messages) wrapped to the column, never a horizontal scroll."""
    return format_html(
        '<span style="white-space: pre-wrap; overflow-wrap: anywhere; max-width: 40em; '
        'display: inline-block">{}</span>',
        text,
    )


def csv_download(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """Rows as a CSV attachment; a cell starting with = + - @ is prefixed with ' so a
    spreadsheet shows Xero's text instead of running it as a formula."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return response


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    if text[:1] not in ("=", "+", "-", "@") or is_number(text):
        return text
    return "'" + text


def is_number(text: str) -> bool:
    try:
        decimal.Decimal(text)
    except decimal.InvalidOperation:
        return False
    return True
