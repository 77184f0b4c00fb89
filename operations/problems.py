"""Reads: the problems worth an alert right now, each with a stable key.

- exports failing: an outlet has documents (or payments) Xero refused, not yet resolved;
- needs reconnect: a Xero connection whose refresh token Xero refused;
- exports overdue: an outlet has had a sale waiting longer than its export frequency
  allows, and nothing went to Xero in that time. Outlets whose connection needs
  reconnecting are left out: that problem is already alerted on, and it is the cause.
- early warnings, by the rules of xero_integration/exports/warnings.py: a connection whose
  refresh token will expire within 15 days (the keep-alive could not refresh it), a
  mapping to an account or tax rate Xero archived or deleted, Xero's lock date covering
  or nearing days not in Xero yet.
The key names what the problem is about, so one problem is one row (see models.Problem).
Each finder reads every merchant at once, in a few queries whatever their number.
"""

import datetime

from django.db.models import OuterRef, QuerySet, Subquery

from outlets.models import ExportFrequency, Outlet
from xero_integration.exports import warnings
from xero_integration.models import (
    ConnectionStatus,
    ExportDocument,
    ExportStatus,
    Sale,
    XeroConnection,
)

from .dashboard.outlets import count_of, local, serving_connections
from .early_warnings import early_warnings
from .found import Found
from .models import ProblemKind
from .states import failed_document, sale_not_in_xero, sent

FAILING = "{count} export(s) of {outlet} failed. Latest, {number}: {error}"
RECONNECT = "The Xero connection to {tenant} needs reconnecting: {reason}"
OVERDUE = (
    "{outlet} has had sales waiting since {since} ({frequency} exports) and nothing "
    "has gone to Xero since {last}."
)


def current_problems(now: datetime.datetime) -> dict[str, Found]:
    found = [
        *failing_outlets(),
        *connections_needing_reconnect(),
        *overdue_outlets(now),
        *early_warnings(now),
    ]
    return {problem.key: problem for problem in found}


def outlet_label(outlet: Outlet) -> str:
    return f"outlet '{outlet.name}' ({outlet.pos_station_id}) of {outlet.merchant.name}"


def failing_outlets() -> list[Found]:
    failed = ExportDocument.objects.filter(outlet=OuterRef("pk")).filter(failed_document())
    failed = failed.exclude(status=ExportStatus.RESOLVED)
    latest = failed.order_by("-updated_at", "-id")
    outlets = (
        Outlet.objects.select_related("merchant")
        .annotate(
            failed=count_of(failed),
            latest_number=Subquery(latest.values("number")[:1]),
            latest_error=Subquery(latest.values("last_error")[:1]),
        )
        .filter(failed__gt=0)
    )
    return [failing(outlet) for outlet in outlets]


def failing(outlet: Outlet) -> Found:
    detail = FAILING.format(
        count=outlet.failed,  # type: ignore[attr-defined]
        outlet=outlet_label(outlet),
        number=outlet.latest_number,  # type: ignore[attr-defined]
        error=outlet.latest_error,  # type: ignore[attr-defined]
    )
    key = f"{ProblemKind.EXPORTS_FAILING}:outlet:{outlet.pk}"
    return Found(key, ProblemKind.EXPORTS_FAILING, outlet.merchant_id, outlet.pk, detail)


def connections_needing_reconnect() -> list[Found]:
    return [
        Found(
            key=f"{ProblemKind.NEEDS_RECONNECT}:connection:{connection.pk}",
            kind=ProblemKind.NEEDS_RECONNECT,
            merchant_id=connection.merchant_id,
            outlet_id=None,
            detail=RECONNECT.format(
                tenant=connection.tenant_name or connection.tenant_id,
                reason=connection.status_reason or "Xero refused the refresh token.",
            ),
        )
        for connection in XeroConnection.objects.filter(status=ConnectionStatus.NEEDS_RECONNECT)
    ]


def watched_outlets() -> QuerySet[Outlet]:
    """Outlets that export by themselves, with their oldest waiting sale and last export."""
    waiting = Sale.objects.filter(outlet=OuterRef("pk")).filter(sale_not_in_xero())
    exported = ExportDocument.objects.filter(outlet=OuterRef("pk"), status__in=sent())
    return (
        Outlet.objects.filter(is_active=True, export_settings__enabled=True)
        .exclude(export_settings__frequency=ExportFrequency.MANUAL)
        .select_related("merchant", "export_settings")
        .annotate(
            waiting_since=Subquery(waiting.order_by("received_at").values("received_at")[:1]),
            last_sent_at=Subquery(exported.order_by("-sent_at").values("sent_at")[:1]),
        )
        .filter(waiting_since__isnull=False)
    )


def overdue_outlets(now: datetime.datetime) -> list[Found]:
    outlets = list(watched_outlets())
    connections = serving_connections(outlets)
    found = []
    for outlet in outlets:
        connection = connections.get(outlet.pk)
        if connection is not None and connection.status == ConnectionStatus.NEEDS_RECONNECT:
            continue
        if is_overdue(outlet, now):
            found.append(overdue(outlet))
    return found


def is_overdue(outlet: Outlet, now: datetime.datetime) -> bool:
    # The rule the status endpoint warns by, so both say the same.
    return warnings.is_overdue(
        outlet.export_settings.frequency,
        outlet.waiting_since,  # type: ignore[attr-defined]
        outlet.last_sent_at,  # type: ignore[attr-defined]
        now,
    )


def overdue(outlet: Outlet) -> Found:
    last_sent = outlet.last_sent_at  # type: ignore[attr-defined]
    detail = OVERDUE.format(
        outlet=outlet_label(outlet).capitalize(),
        since=local(outlet.waiting_since, outlet),  # type: ignore[attr-defined]
        frequency=outlet.export_settings.frequency,
        last="never" if last_sent is None else local(last_sent, outlet),
    )
    key = f"{ProblemKind.EXPORTS_OVERDUE}:outlet:{outlet.pk}"
    return Found(key, ProblemKind.EXPORTS_OVERDUE, outlet.merchant_id, outlet.pk, detail)
