"""The merchant's guided setup page and its one-screen mapping editor, in the admin.

Thin: the checklist and the editor live in xero_integration/setup/; these views check
the Django permission each button needs, call them, and render.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from outlets.models import Merchant

from ..connection.selectors import connection_for, has_reference_data
from ..exports.control import request_sync
from ..setup.checklist import setup_checklist
from ..setup.editor import editor_sections, save_editor
from ..tasks import queue_reference_refresh

CONNECTIONS = "xero_integration.change_xeroconnection"
EXPORTS = "xero_integration.change_exportdocument"
MAPPINGS_VIEW = "mappings.view_mapping"
MAPPINGS_EDIT = ("mappings.add_mapping", "mappings.change_mapping", "mappings.delete_mapping")

REFRESH_QUEUED = "Fetching Xero's accounts, tax rates, tracking and contacts: this page shows them in a few seconds."
NOT_CONNECTED = "Connect Xero first: the refresh reads from the merchant's organisation."
EXPORT_QUEUED = "Export queued for {outlets}: it goes to Xero within a minute."
EXPORT_WAITING = "{outlet} cannot export yet: {reasons}"
MAPPINGS_SAVED = "Saved {count} mappings. Sales waiting for them go to Xero by themselves."
MAPPINGS_REFUSED = "Nothing was saved: {count} choice(s) cannot be used (see below)."
NEEDS_REFERENCE = (
    "Xero's accounts and tax rates have not been fetched yet: refresh them on the setup page."
)


def setup_url(merchant_pk: int) -> str:
    return reverse("admin:outlets_merchant_setup", args=[merchant_pk])


def merchant_or_404(model_admin: admin.ModelAdmin, request: HttpRequest, pk: int) -> Merchant:
    merchant = get_object_or_404(Merchant, pk=pk)
    if not model_admin.has_view_permission(request, merchant):
        raise PermissionDenied
    return merchant


def require(request: HttpRequest, *permissions: str) -> None:
    if not request.user.has_perms(permissions):
        raise PermissionDenied


class SetupViews:
    """Mixed into MerchantAdmin: its URLs and views for the setup page and the editor."""

    def setup_urls(self) -> list[URLPattern]:
        site = self.admin_site  # type: ignore[attr-defined]
        return [
            path(
                "<int:pk>/setup/", site.admin_view(self.setup_view), name="outlets_merchant_setup"
            ),
            path(
                "<int:pk>/mappings/",
                site.admin_view(self.mapping_editor_view),
                name="outlets_merchant_mappings",
            ),
            path(
                "<int:pk>/setup/refresh/",
                site.admin_view(require_POST(self.refresh_view)),
                name="outlets_merchant_setup_refresh",
            ),
            path(
                "<int:pk>/setup/export/",
                site.admin_view(require_POST(self.export_now_view)),
                name="outlets_merchant_setup_export",
            ),
        ]

    def page_context(self, request: HttpRequest, merchant: Merchant, title: str) -> dict:
        return {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": Merchant._meta,
            "original": merchant,
            "merchant": merchant,
            "title": title,
        }

    def setup_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        merchant = merchant_or_404(self, request, pk)  # type: ignore[arg-type]
        context = {
            **self.page_context(request, merchant, f"Set up {merchant.name}"),
            "checklist": setup_checklist(merchant=merchant),
            "may_connect": request.user.has_perm(CONNECTIONS),
            "may_export": request.user.has_perm(EXPORTS),
            "may_map": request.user.has_perm(MAPPINGS_VIEW),
            "may_change_outlets": request.user.has_perm("outlets.change_outlet"),
        }
        return TemplateResponse(request, "admin/outlets/merchant/setup.html", context)

    def refresh_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        require(request, CONNECTIONS)
        merchant = merchant_or_404(self, request, pk)  # type: ignore[arg-type]
        connection = connection_for(merchant=merchant)
        if connection is None:
            messages.warning(request, NOT_CONNECTED)
        else:
            queue_reference_refresh(connection=connection)
            messages.success(request, REFRESH_QUEUED)
        return HttpResponseRedirect(setup_url(merchant.pk))

    def export_now_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        require(request, EXPORTS)
        merchant = merchant_or_404(self, request, pk)  # type: ignore[arg-type]
        result = request_sync(merchant=merchant, outlet=None, retry_failed=False)
        if result.queued:
            outlets = ", ".join(item["pos_station_id"] for item in result.queued)
            messages.success(request, EXPORT_QUEUED.format(outlets=outlets))
        for item in result.waiting:
            text = EXPORT_WAITING.format(
                outlet=item["pos_station_id"], reasons=" ".join(item["reasons"])
            )
            messages.warning(request, text)
        return HttpResponseRedirect(setup_url(merchant.pk))

    def mapping_editor_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        require(request, MAPPINGS_VIEW)
        merchant = merchant_or_404(self, request, pk)  # type: ignore[arg-type]
        connection = connection_for(merchant=merchant)
        if connection is None or not has_reference_data(connection):
            messages.warning(request, NEEDS_REFERENCE if connection else NOT_CONNECTED)
            return HttpResponseRedirect(setup_url(merchant.pk))
        errors: dict[str, str] = {}
        submitted: dict[str, str] = {}
        if request.method == "POST":
            require(request, *MAPPINGS_EDIT)
            submitted = {k: str(request.POST.get(k, "")) for k in request.POST if "::" in k}
            result = save_editor(merchant=merchant, submitted=submitted)
            if not result.errors:
                messages.success(request, MAPPINGS_SAVED.format(count=result.saved))
                return HttpResponseRedirect(setup_url(merchant.pk))
            errors = result.errors
            messages.error(request, MAPPINGS_REFUSED.format(count=len(errors)))
        sections = editor_sections(merchant=merchant, connection=connection)
        for section in sections:
            for row in section.rows:
                row.error = errors.get(row.field_name, "")
                if row.field_name in submitted:  # a refused page keeps what the person chose
                    row.current, row.suggested = submitted[row.field_name], ""
        context = {
            **self.page_context(request, merchant, f"Mappings of {merchant.name}"),
            "sections": sections,
            "connection": connection,
            "may_save": request.user.has_perms(MAPPINGS_EDIT),
        }
        return TemplateResponse(request, "admin/outlets/merchant/mappings.html", context)
