"""The pages: the landing page, the operations dashboard (staff) with its replay button,
and /metrics. Thin: they read through selectors and act through services."""

import hmac
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from config.errors import DomainError

from . import metrics
from .dashboard import dashboard
from .endpoints import api_endpoints
from .health import version
from .services import replay_failed_export

TZ_COOKIE = "xb_tz"
REPLAYED = "Export {number} replayed: it goes to Xero with the next export run."
NO_PERMISSION = "You may not replay exports (it needs the permission to change export documents)."


def landing(request: HttpRequest) -> HttpResponse:
    context = {
        "endpoints": api_endpoints(),
        "version": version(),
        "poll_seconds": settings.LANDING_POLL_SECONDS,
    }
    return render(request, "operations/landing.html", context)


def viewer_zone(request: HttpRequest) -> ZoneInfo:
    """The viewer's zone: ?tz=, else the browser's (a cookie the page sets), else the default."""
    for name in (request.GET.get("tz"), request.COOKIES.get(TZ_COOKIE)):
        if not name:
            continue
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):  # not a zone name: try the next
            continue
    return ZoneInfo(settings.DASHBOARD_TIME_ZONE)


def operations_dashboard(request: HttpRequest) -> HttpResponse:
    zone = viewer_zone(request)
    context = {
        "dashboard": dashboard(zone=zone),
        "zone_name": str(zone),
        "tz_cookie": TZ_COOKIE,
        "refresh_seconds": settings.DASHBOARD_REFRESH_SECONDS,
        "may_replay": may_replay(request),
        # What the admin's base template needs (each_context would also list every app).
        "title": "Operations dashboard",
        "site_header": admin.site.site_header,
        "site_title": admin.site.site_title,
        "site_url": admin.site.site_url,
        "has_permission": admin.site.has_permission(request),
    }
    return render(request, "operations/dashboard.html", context)


def may_replay(request: HttpRequest) -> bool:
    return request.user.has_perm("xero_integration.change_exportdocument")


@require_POST
def replay(request: HttpRequest, document_id: int) -> HttpResponse:
    if not may_replay(request):
        raise PermissionDenied(NO_PERMISSION)
    try:
        document = replay_failed_export(document_id=document_id, by=request.user.get_username())
        messages.success(request, REPLAYED.format(number=document.number))
    except DomainError as error:
        messages.warning(request, error.detail)
    return HttpResponseRedirect(reverse("operations-dashboard") + "#failures")


def prometheus_metrics(request: HttpRequest) -> HttpResponse:
    """Off (404) unless METRICS_TOKEN is set; then Prometheus sends it as a bearer token."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404("Metrics are off: set METRICS_TOKEN.")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        return HttpResponse("A valid metrics token is needed.\n", status=401)
    return HttpResponse(generate_latest(metrics.registry()), content_type=CONTENT_TYPE_LATEST)
