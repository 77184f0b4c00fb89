"""The guided-setup checklist of a merchant, read from what is true now (a health view too).

Connect Xero → reference data fresh → mappings complete for what the sales carry → export
settings → first export sent. Each step says its state and, when not done, why; the admin
page puts the button that fixes it beside it.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from outlets.models import ExportGrouping, Merchant, Outlet

from ..connection.selectors import connection_for, latest_refresh, live_connections
from ..exports.numbers import sale_document_number, summary_document_number
from ..exports.readiness import Readiness, number_clash, outlet_reasons, readiness
from ..models import ConnectionStatus, DocumentKind, ExportDocument, ExportStatus, XeroConnection

DONE, TODO, PROBLEM = "done", "todo", "problem"
# Reference data is refreshed daily (periodic.py): older than a day and a bit, something
# stopped it, and new accounts or archived ones are not seen.
FRESH_FOR = datetime.timedelta(hours=26)

NOT_CONNECTED = "Not connected: connect the merchant's Xero organisation."
CONNECTED = "Connected to {organisation}."
NEEDS_RECONNECT = "Xero refused the connection to {organisation}: {reason} Connect again."
NO_REFERENCE = "Xero's accounts and tax rates have not been fetched yet."
REFERENCE_STALE = "Fetched {ago} ago: refresh to see accounts changed in Xero since."
REFERENCE_FRESH = "Fetched {ago} ago."
MAPPINGS_DONE = "Everything the sales carry is mapped."
NO_OUTLETS = "Add an outlet (the POS station) on the merchant's page."
NO_EXPORT_YET = "Nothing has gone to Xero yet."
FIRST_SENT = "{count} document(s) in Xero; the latest is {number}."


@dataclass
class Step:
    key: str
    title: str
    state: str
    details: list[str] = field(default_factory=list)


@dataclass
class OutletHealth:
    outlet: Outlet
    ready: Readiness
    number_preview: str
    number_clash: list[str]


@dataclass
class Checklist:
    merchant: Merchant
    connection: XeroConnection | None
    steps: list[Step]
    outlets: list[OutletHealth]
    exporting: bool = False  # an export was asked for, or documents are on their way

    @property
    def done(self) -> int:
        return sum(step.state == DONE for step in self.steps)

    @property
    def in_progress(self) -> bool:
        """Waiting on the worker (a refresh after connecting, a first export on its way):
        the page reloads itself until it is through."""
        states = {step.key: step.state for step in self.steps}
        if states["connect"] != DONE:
            return False
        if states["reference"] == TODO:
            return True
        return self.exporting and states["export"] == TODO


def ago(moment: datetime.datetime) -> str:
    minutes = int((timezone.now() - moment).total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 90:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{minutes // 60} hours"


def connect_step(merchant: Merchant) -> Step:
    connection = live_connections(merchant=merchant).order_by("-is_merchant_default").first()
    if connection is None:
        return Step("connect", "Connect Xero", TODO, [NOT_CONNECTED])
    organisation = connection.tenant_name or connection.tenant_id
    if connection.status == ConnectionStatus.NEEDS_RECONNECT:
        reason = NEEDS_RECONNECT.format(organisation=organisation, reason=connection.status_reason)
        return Step("connect", "Connect Xero", PROBLEM, [reason])
    return Step("connect", "Connect Xero", DONE, [CONNECTED.format(organisation=organisation)])


def reference_step(connection: XeroConnection | None) -> Step:
    title = "Xero's accounts and tax rates fetched"
    refreshed = latest_refresh(connection=connection) if connection else None
    if refreshed is None:
        return Step("reference", title, TODO, [NO_REFERENCE])
    if timezone.now() - refreshed > FRESH_FOR:
        return Step("reference", title, PROBLEM, [REFERENCE_STALE.format(ago=ago(refreshed))])
    return Step("reference", title, DONE, [REFERENCE_FRESH.format(ago=ago(refreshed))])


def mappings_step(outlets: list[OutletHealth]) -> Step:
    """Complete when no outlet misses a required mapping, has one Xero would refuse, or
    holds sales carrying a value nothing maps; every such value is listed at once, once
    for the merchant, with the sales waiting for it and, when not all, which outlets."""
    waiting: dict[str, int] = {}
    where: dict[str, list[str]] = {}
    for health in outlets:
        problems = [(m["reason"], 0) for m in health.ready.missing_mappings]
        problems += [(m["reason"], 0) for m in health.ready.invalid_mappings]
        problems += [(k["reason"], k["sales"]) for k in health.ready.unmapped_keys]
        for reason, sales in problems:
            waiting[reason] = waiting.get(reason, 0) + sales
            where.setdefault(reason, []).append(health.outlet.name)
    details = [
        problem_line(reason, waiting[reason], where[reason], len(outlets)) for reason in waiting
    ]
    title = "Mappings complete for what the sales carry"
    return Step("mappings", title, PROBLEM if details else DONE, details or [MAPPINGS_DONE])


def problem_line(reason: str, sales: int, outlets: list[str], of: int) -> str:
    line = reason
    if sales:
        line += f" {sales} sale{'s wait' if sales != 1 else ' waits'} for it."
    if len(outlets) < of:
        line += f" (At {', '.join(outlets)}.)"
    return line


def settings_step(outlets: list[OutletHealth]) -> Step:
    title = "Export settings of each outlet"
    if not outlets:
        return Step("settings", title, TODO, [NO_OUTLETS])
    details, problems = [], False
    for health in outlets:
        settings = health.outlet.export_settings
        reasons = outlet_reasons(health.outlet) + health.number_clash
        problems |= bool(reasons)
        summary = (
            f"{health.outlet.name}: {settings.get_frequency_display()}, "
            f"{settings.get_grouping_display()}; document numbers: {health.number_preview}"
        )
        details.append(" ".join([summary, *reasons]))
    return Step("settings", title, PROBLEM if problems else DONE, details)


def first_export_step(merchant: Merchant) -> Step:
    title = "First export sent to Xero"
    sent = ExportDocument.objects.filter(outlet__merchant=merchant, status=ExportStatus.SENT)
    latest = sent.order_by("-sent_at").first()
    if latest is None:
        return Step("export", title, TODO, [NO_EXPORT_YET])
    return Step(
        "export", title, DONE, [FIRST_SENT.format(count=sent.count(), number=latest.number)]
    )


def number_preview(outlet: Outlet) -> str:
    """The numbers the outlet's documents get (exports/numbers.py): per sale, or per
    business day and currency, with the day's refunds as a credit note."""
    prefix = outlet.export_settings.effective_prefix
    if outlet.export_settings.grouping == ExportGrouping.PER_SALE:
        return f"{sale_document_number(prefix, '<sale id>')}, e.g. {sale_document_number(prefix, '1001')}"
    day, currency = timezone.localdate(), outlet.merchant.currency
    invoice = summary_document_number(prefix, day, currency, DocumentKind.INVOICE)
    refunds = summary_document_number(prefix, day, currency, DocumentKind.CREDIT_NOTE)
    return f"one a day, e.g. {invoice} (its refunds {refunds})"


def outlet_health(merchant: Merchant) -> list[OutletHealth]:
    outlets = merchant.outlets.select_related("export_settings", "merchant")
    health = []
    for outlet in outlets:
        connection = connection_for(merchant=merchant, outlet=outlet)
        ready = readiness(merchant=merchant, outlet=outlet, connection=connection)
        clash = number_clash(outlet, connection)
        health.append(OutletHealth(outlet, ready, number_preview(outlet), clash))
    return health


def setup_checklist(*, merchant: Merchant) -> Checklist:
    connection = connection_for(merchant=merchant)
    outlets = outlet_health(merchant)
    steps = [
        connect_step(merchant),
        reference_step(connection),
        mappings_step(outlets),
        settings_step(outlets),
        first_export_step(merchant),
    ]
    return Checklist(merchant, connection, steps, outlets, exporting(merchant))


def exporting(merchant: Merchant) -> bool:
    """Export now was pressed and no run has planned it yet, or documents are on their way."""
    on_the_way = [ExportStatus.PENDING, ExportStatus.SENDING]
    return (
        merchant.outlets.filter(export_settings__sync_requested_at__isnull=False).exists()
        or ExportDocument.objects.filter(outlet__merchant=merchant, status__in=on_the_way).exists()
    )
