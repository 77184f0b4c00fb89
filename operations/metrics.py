"""Prometheus metrics, read from the database when Prometheus scrapes.

Exports run in worker processes and the web answers /metrics, so counters kept in a
process's memory would each see a fraction of the work. Instead every figure is read
from the rows the service already keeps, with a few aggregate queries, when scraped:
any web process answers the same. Xero calls and token refreshes come from the sync
logs, which are purged after SYNC_LOG_RETENTION_DAYS, so they are gauges over the last
hour, not lifetime counters.
"""

import datetime
from collections.abc import Iterator

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from xero_integration.models import ExportDocument, Sale, SyncLog

from .health import HOUR, queue_load, worker_liveness
from .states import sale_not_in_xero

PREFIX = "xero_bridge_"
TOKEN_REFRESH = "oauth.refresh"


class DatabaseCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        yield from exports()
        yield from xero_calls(now)
        yield from token_refreshes(now)
        yield from queue(now)
        yield from workers(now)
        yield oldest_pending_sale(now)


def gauge(name: str, documentation: str, labels: list[str] | None = None) -> GaugeMetricFamily:
    return GaugeMetricFamily(PREFIX + name, documentation, labels=labels)


def exports() -> Iterator[Metric]:
    """Export documents by lane and state: `sent` only grows; `failed` is what needs a person."""
    documents = gauge(
        "export_documents", "Export documents by lane and status.", ["lane", "status"]
    )
    for lane, field in (("document", "status"), ("payments", "payments_status")):
        for row in ExportDocument.objects.values(field).annotate(n=Count("id")).order_by():
            documents.add_metric([lane, row[field]], row["n"])
    yield documents


def xero_calls(now: datetime.datetime) -> Iterator[Metric]:
    calls = gauge(
        "xero_calls_last_hour",
        "Calls to Xero in the last hour by operation, outcome and HTTP status (0: no answer).",
        ["operation", "outcome", "http_status"],
    )
    rows = (
        SyncLog.objects.filter(created_at__gte=now - HOUR)
        .values("operation", "outcome", "http_status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        calls.add_metric([row["operation"], row["outcome"], str(row["http_status"] or 0)], row["n"])
    yield calls


def token_refreshes(now: datetime.datetime) -> Iterator[Metric]:
    refreshes = gauge(
        "token_refreshes_last_hour",
        "Xero token refreshes in the last hour by outcome.",
        ["outcome"],
    )
    rows = (
        SyncLog.objects.filter(created_at__gte=now - HOUR, operation=TOKEN_REFRESH)
        .values("outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        refreshes.add_metric([row["outcome"]], row["n"])
    yield refreshes


def queue(now: datetime.datetime) -> Iterator[Metric]:
    load = queue_load(now)
    depth = gauge("queue_depth", "Tasks queued for the django-q2 workers, not yet taken.")
    depth.add_metric([], load["queued"])
    oldest = gauge("queue_oldest_age_seconds", "Age of the oldest queued task (0: none).")
    oldest.add_metric([], load["oldest_age_s"] or 0)
    yield from (depth, oldest)


def workers(now: datetime.datetime) -> Iterator[Metric]:
    alive = gauge("workers_alive", "Worker processes seen within WORKER_STALE_SECONDS.")
    alive.add_metric([], worker_liveness(now)["alive"])
    yield alive


def oldest_pending_sale(now: datetime.datetime) -> Metric:
    """Seconds since the oldest sale not yet in Xero arrived (0: none waits)."""
    oldest = Sale.objects.filter(sale_not_in_xero()).aggregate(at=Min("received_at"))["at"]
    age = gauge("oldest_pending_sale_age_seconds", oldest_pending_sale.__doc__ or "")
    age.add_metric([], (now - oldest).total_seconds() if oldest else 0)
    return age


def registry() -> CollectorRegistry:
    """A registry of our own: the process-wide default would also export this process's
    Python and process figures, which differ between the web processes behind a balancer."""
    own = CollectorRegistry(auto_describe=False)
    own.register(DatabaseCollector())
    return own
