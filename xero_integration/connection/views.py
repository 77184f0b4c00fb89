"""The browser side of connecting to Xero: the admin's connect button and Xero's callback."""

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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
        return redirect(_merchant_setup_url(merchant) or "admin:index")


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
        if exc.return_url:  # the POS says what to show; the status tells it what happened
            return redirect(with_status(exc.return_url, exc.status))
        context: dict[str, Any] = {"title": "Xero connection failed", "message": exc.detail}
        return render(request, "xero_integration/oauth_error.html", context, status=400)
    if result.return_url:
        return redirect(with_status(result.return_url, oauth.CONNECTED))
    organisations = ", ".join(c.tenant_name or c.tenant_id for c in result.connections)
    setup_url = _merchant_setup_url(result.merchant)
    if request.user.is_staff and setup_url:  # started from the admin: back to the checklist
        messages.success(
            request, CONNECTED.format(merchant=result.merchant.name, organisations=organisations)
        )
        return redirect(setup_url)
    context = {"title": f"Connected to {organisations}", "result": result}
    return render(request, "xero_integration/oauth_done.html", context)


CONNECTED = "{merchant} is connected to Xero ({organisations}). Its accounts and tax rates are being fetched."


def with_status(url: str, status: str) -> str:
    """The POS's return URL with ?status=connected|denied|error added to its own query."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "status"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("status", status)])))


def _merchant_setup_url(merchant: Merchant) -> str:
    # The merchant admin is registered by xero_integration/admin/merchants.py; without it, show a page.
    try:
        return reverse("admin:outlets_merchant_setup", args=[merchant.pk])
    except NoReverseMatch:
        return ""
