"""The browser side of connecting to Xero: the admin's connect button and Xero's callback."""

from typing import Any

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from outlets.models import Merchant

from . import oauth
from .limits import ConnectionLimitReached

# Who may connect a merchant to an organisation of their choosing: the same permission
# that guards disconnecting and the other actions on connections.
CONNECT_PERMISSION = "xero_integration.change_xeroconnection"


@staff_member_required
@require_POST  # with Django's CSRF check: a link or an image on another site cannot start it
def admin_connect(request: HttpRequest, merchant_pk: int) -> HttpResponse:
    if not request.user.has_perm(CONNECT_PERMISSION):
        raise PermissionDenied
    merchant = get_object_or_404(Merchant, pk=merchant_pk)
    try:
        return redirect(oauth.start_authorisation(merchant=merchant))
    except ConnectionLimitReached as exc:
        # Refused before the person goes to Xero: say why on the merchant's page.
        messages.error(request, exc.detail)
        return redirect(_merchant_admin_url(merchant) or "admin:index")


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """Public: Xero sends the person's browser here; the single-use state is the credential."""
    params = request.GET
    try:
        result = oauth.complete_authorisation(
            state=params.get("state", ""),
            code=params.get("code", ""),
            error=params.get("error", ""),
            error_description=params.get("error_description", ""),
        )
    except oauth.AuthorisationFailed as exc:
        context: dict[str, Any] = {"title": "Xero connection failed", "message": exc.detail}
        return render(request, "xero_integration/oauth_error.html", context, status=400)
    admin_url = _merchant_admin_url(result.merchant)
    if result.return_url or admin_url:
        return redirect(result.return_url or admin_url)
    context = {"title": "Connected to Xero", "result": result}
    return render(request, "xero_integration/oauth_done.html", context)


def _merchant_admin_url(merchant: Merchant) -> str:
    # The merchant admin is registered by xero_integration/admin/merchants.py; without it, show a page.
    try:
        return reverse("admin:outlets_merchant_change", args=[merchant.pk])
    except NoReverseMatch:
        return ""
