"""Reconciliation for finance staff: a calendar of each outlet's days (green, amber, red),
each day's POS and Xero totals side by side, and the backfill page."""

import calendar
import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from config.errors import DomainError
from outlets.models import Outlet

from ..models import DayStatus, ReconciliationDay
from ..reconciliation.backfill import backfill
from ..reconciliation.services import queue_read_back
from ..tasks import queue_reconciliation
from .common import ReadOnlyAdmin, may_change, pretty_json

COLOURS = {DayStatus.GREEN: "#2e7d32", DayStatus.AMBER: "#f9a825", DayStatus.RED: "#c62828"}
READ_BACK_QUEUED = "Queued a read-back from Xero of {count} outlet-day(s)."
MONTH_QUEUED = "Queued a read-back from Xero of {outlet}, {month}."
BACKFILL_MAX_DAYS = 31
MSG_BACKFILL_RANGE = f"Give a range of at most {BACKFILL_MAX_DAYS} days, `to` on or after `from`."


def status_badge(status: str, label: str) -> SafeString:
    colour = COLOURS.get(DayStatus(status), "#777") if status else "#777"
    return format_html(
        '<span style="background:{};color:#fff;padding:1px 6px;border-radius:3px">{}</span>',
        colour,
        label,
    )


def month_of(text: str | None) -> datetime.date:
    """The first of the month YYYY-MM; this month when absent or malformed."""
    try:
        return datetime.datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


def month_weeks(first: datetime.date, days: dict[datetime.date, ReconciliationDay]) -> list[list]:
    """Weeks (Monday first) of (date, stored day or None) cells; None outside the month."""
    weeks = calendar.Calendar().monthdatescalendar(first.year, first.month)
    return [
        [(day, days.get(day)) if day.month == first.month else None for day in week]
        for week in weeks
    ]


class BackfillForm(forms.Form):
    outlet = forms.ModelChoiceField(queryset=Outlet.objects.select_related("merchant"))
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    dry_run = forms.BooleanField(
        required=False, initial=True, help_text="List what would be sent; send nothing."
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and not (0 <= (end - start).days < BACKFILL_MAX_DAYS):
            raise forms.ValidationError(MSG_BACKFILL_RANGE)
        return data


@admin.register(ReconciliationDay)
class ReconciliationDayAdmin(ReadOnlyAdmin):
    list_display = (
        "business_date",
        "outlet",
        "status_badge",
        "net_difference",
        "flag_summary",
        "checked_at",
    )
    # "Which days differ from Xero?" in one click.
    list_filter = ("status", "outlet__merchant", "outlet")
    list_select_related = ("outlet",)
    date_hierarchy = "business_date"
    fields = (
        "outlet",
        "business_date",
        "status_badge",
        "flags_json",
        "pos_json",
        "xero_json",
        "difference_json",
        "documents_json",
        "checked_at",
    )
    readonly_fields = fields
    actions = ("read_back_again",)
    change_list_template = "admin/xero_integration/reconciliationday/change_list.html"

    def has_manage_permission(self, request: HttpRequest) -> bool:
        return may_change(request, ReconciliationDay)

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "calendar/",
                self.admin_site.admin_view(self.calendar_view),
                name="xero_integration_reconciliationday_calendar",
            ),
            path(
                "backfill/",
                self.admin_site.admin_view(self.backfill_view),
                name="xero_integration_reconciliationday_backfill",
            ),
        ]
        return own + super().get_urls()

    @admin.display(description="Status", ordering="status")
    def status_badge(self, day: ReconciliationDay) -> SafeString:
        return status_badge(day.status, day.get_status_display())

    @admin.display(description="Difference (net)")
    def net_difference(self, day: ReconciliationDay) -> str:
        return str(day.difference.get("net", ""))

    @admin.display(description="Why")
    def flag_summary(self, day: ReconciliationDay) -> str:
        return "; ".join(f["detail"] for f in day.flags[:3]) or "—"

    @admin.display(description="Flags")
    def flags_json(self, day: ReconciliationDay) -> SafeString:
        return pretty_json(day.flags)

    @admin.display(description="POS")
    def pos_json(self, day: ReconciliationDay) -> SafeString:
        return pretty_json(day.pos)

    @admin.display(description="Xero now")
    def xero_json(self, day: ReconciliationDay) -> SafeString:
        return pretty_json(day.xero)

    @admin.display(description="Difference (Xero − POS)")
    def difference_json(self, day: ReconciliationDay) -> SafeString:
        return pretty_json(day.difference)

    @admin.display(description="Documents")
    def documents_json(self, day: ReconciliationDay) -> SafeString:
        return pretty_json(day.documents)

    @admin.action(description="Read these days back from Xero again", permissions=["manage"])
    def read_back_again(self, request: HttpRequest, queryset: QuerySet[ReconciliationDay]) -> None:
        days = list(queryset.values_list("outlet_id", "business_date"))
        for outlet_id, day in days:
            queue_reconciliation(outlet_id=outlet_id, start=day)
        self.message_user(request, READ_BACK_QUEUED.format(count=len(days)), messages.SUCCESS)

    # ---- the calendar -----------------------------------------------------------------------

    def calendar_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        outlets = Outlet.objects.select_related("merchant").order_by("merchant__name", "name")
        chosen = request.GET.get("outlet", "")
        outlet = get_object_or_404(outlets, pk=chosen) if chosen.isdigit() else outlets.first()
        first = month_of(request.GET.get("month"))
        if request.method == "POST" and outlet is not None:
            return self.queue_month(request, outlet, first)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Reconciliation calendar",
            "outlets": outlets,
            "outlet": outlet,
            "month": first,
            "previous": (first - datetime.timedelta(days=1)).replace(day=1),
            "next": (first + datetime.timedelta(days=31)).replace(day=1),
            "weeks": month_weeks(first, self.month_days(outlet, first)) if outlet else [],
            "colours": {status.value: colour for status, colour in COLOURS.items()},
            "may_manage": self.has_manage_permission(request),
        }
        return TemplateResponse(
            request, "admin/xero_integration/reconciliation_calendar.html", context
        )

    def month_days(
        self, outlet: Outlet, first: datetime.date
    ) -> dict[datetime.date, ReconciliationDay]:
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        rows = ReconciliationDay.objects.filter(outlet=outlet, business_date__range=(first, last))
        return {row.business_date: row for row in rows}

    def queue_month(
        self, request: HttpRequest, outlet: Outlet, first: datetime.date
    ) -> HttpResponse:
        if not self.has_manage_permission(request):
            raise PermissionDenied
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        queue_read_back(outlet=outlet, start=first, end=last)
        self.message_user(request, MONTH_QUEUED.format(outlet=outlet, month=f"{first:%B %Y}"))
        url = reverse("admin:xero_integration_reconciliationday_calendar")
        return HttpResponseRedirect(f"{url}?outlet={outlet.pk}&month={first:%Y-%m}")

    # ---- the backfill page ----------------------------------------------------------------------

    def backfill_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        result, form = None, BackfillForm(request.POST or None, initial=request.GET or None)
        if request.method == "POST":
            if not self.has_manage_permission(request):
                raise PermissionDenied  # it reads Xero, and may send: the change permission
            if form.is_valid():
                result = self.run_backfill(request, form.cleaned_data)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Backfill: send the days Xero is missing",
            "form": form,
            "result": result,
            "may_manage": self.has_manage_permission(request),
        }
        return TemplateResponse(
            request, "admin/xero_integration/reconciliation_backfill.html", context
        )

    def run_backfill(self, request: HttpRequest, data: dict[str, Any]) -> Any:
        try:
            return backfill(
                outlet=data["outlet"], start=data["start"], end=data["end"], dry_run=data["dry_run"]
            )
        except DomainError as exc:
            self.message_user(request, exc.detail, messages.ERROR)
            return None
