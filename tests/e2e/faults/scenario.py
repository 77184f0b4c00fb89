"""A fault run, step by step: set up three merchants over HTTP, post sales while Xero
misbehaves and the workers are killed, then wait for the books to settle."""

import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

import requests
from django.db import connection as db_connection
from django_q.models import Task

from outlets.models import Merchant
from outlets.services import create_api_client, create_merchant, create_outlet
from xero_integration.models import XeroConnection
from xero_integration.periodic import install_schedules

from .books import OrganisationBooks
from .cluster import Cluster, terminate_worker_sessions
from .shop import MERCHANTS, MerchantPlan, PosSale
from .size import SuiteSize

INGEST_BATCH = 100
POLL_SECONDS = 1.0
# The mapping a merchant fixes after its accountant archived the tips account in Xero.
ARCHIVED_ACCOUNT, REPLACEMENT_ACCOUNT = "260", "200"
MAPPINGS = {
    "revenue": [{"category": "*", "account_code": "200"}],
    "payments": [
        {"method": "card", "account_code": "090"},
        {"method": "cash", "account_code": "090"},
    ],
    "tax": [{"tax_code": "GST10", "tax_type": "OUTPUT"}],
    "special": [
        {"kind": "contact", "contact_name": "POS Sales"},
        {"kind": "rounding", "account_code": "860"},
        {"kind": "tips", "account_code": ARCHIVED_ACCOUNT},
        {"kind": "surcharge", "account_code": ARCHIVED_ACCOUNT},
    ],
}


class FaultRunError(AssertionError):
    pass


T = TypeVar("T")


def wait_for(check: Callable[[], T | None], what: str, seconds: float, cluster: Cluster) -> T:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(POLL_SECONDS / 2)
    raise FaultRunError(f"timed out after {seconds} s waiting for {what}\n{cluster.output()}")


class Pos:
    """The POS platform: the service's API with one key for all three merchants."""

    def __init__(self, base_url: str, key: str):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {key}"

    def call(self, method: str, path: str, expected: int = 200, **kwargs) -> dict:
        reply = self.session.request(method, self.base_url + path, timeout=60, **kwargs)
        if reply.status_code != expected:
            raise FaultRunError(f"{method} {path}: {reply.status_code} {reply.text[:2000]}")
        return reply.json()


class Sandbox:
    """The sandbox Xero's control API."""

    def __init__(self, base_url: str):
        self.base_url = base_url

    def post(self, name: str, body: dict) -> dict:
        reply = requests.post(f"{self.base_url}/_sandbox/{name}", json=body, timeout=30)
        if reply.status_code >= 300:
            raise FaultRunError(f"sandbox {name}: {reply.status_code} {reply.text}")
        return reply.json(parse_float=Decimal)

    def get(self, name: str, **params: str) -> dict:
        reply = requests.get(f"{self.base_url}/_sandbox/{name}", params=params, timeout=60)
        return reply.json(parse_float=Decimal)

    def served(self, kind: str) -> int:
        return self.get("faults")["served_counts"].get(kind, 0)

    def books(self, tenant_id: str) -> OrganisationBooks:
        documents = self.get("documents", tenant_id=tenant_id)
        limits = self.get("state")["stats"]["per_tenant"].get(tenant_id, {})
        return OrganisationBooks(
            tenant_id=tenant_id,
            invoices=documents["Invoices"],
            credit_notes=documents["CreditNotes"],
            payment_count=len(documents["Payments"]),
            calls=limits.get("calls", 0),
            max_per_minute=limits.get("max_per_minute", 0),
            rate_limited=limits.get("rate_limited_count", 0),
        )


class FaultRun:
    def __init__(self, *, size: SuiteSize, sandbox: str, cluster: Cluster, postgres: bool):
        self.size, self.cluster, self.postgres = size, cluster, postgres
        self.sandbox = Sandbox(sandbox)
        self.web = cluster.web.url
        self.pos: Pos | None = None
        self.tenants: list[str] = []
        self.last_fault_at = 0.0
        self.events: list[str] = []
        self.ingest_error: BaseException | None = None
        self.faults_served: dict[str, int] = {}

    # ---- setting up, as the POS and the merchants' browsers do --------------------------

    def set_up(self) -> None:
        install_schedules()
        for plan in MERCHANTS:
            create_merchant(merchant_id=plan.merchant_id, name=plan.name, currency=plan.currency)
            for outlet in plan.outlets:
                create_outlet(
                    merchant_id=plan.merchant_id,
                    pos_station_id=outlet.station,
                    name=f"Outlet {outlet.station}",
                    timezone_name=outlet.timezone,
                )
        ids = [plan.merchant_id for plan in MERCHANTS]
        self.pos = Pos(self.web, create_api_client(name="POS platform", merchant_ids=ids).key)
        for plan in MERCHANTS:
            self.connect(plan)
        for plan in MERCHANTS:
            self.refresh_reference_data(plan)
            self.map(plan, MAPPINGS)
            for outlet in plan.outlets:
                self.api(
                    "PUT",
                    "/api/xero/export-settings",
                    json={
                        "merchant_id": plan.merchant_id,
                        "pos_station_id": outlet.station,
                        "frequency": "realtime",
                        "grouping": outlet.grouping,
                        "number_prefix": outlet.prefix,
                    },
                )

    def api(self, method: str, path: str, expected: int = 200, **kwargs) -> dict:
        assert self.pos is not None
        return self.pos.call(method, path, expected, **kwargs)

    def connect(self, plan: MerchantPlan) -> None:
        """The merchant's browser through Xero's consent and back, choosing its organisation
        there: the first for the first two merchants (they share it), the second for the
        third."""
        return_url = f"{self.web}/"
        params = {"merchant_id": plan.merchant_id, "return_url": return_url}
        reply = self.api("GET", "/api/xero/connect", params=params)
        choice = f"&organisation={plan.organisation + 1}"
        browser = requests.get(reply["authorize_url"] + choice, timeout=60)
        # The service sends the POS back to its return URL with ?status=connected added.
        if browser.url != f"{return_url}?status=connected":
            raise FaultRunError(f"connecting {plan.merchant_id} ended at {browser.url}")
        self.tenants = [t["tenant_id"] for t in self.sandbox.get("state")["tenants"]]

    def refresh_reference_data(self, plan: MerchantPlan) -> None:
        reply = self.api(
            "POST",
            "/api/xero/reference-data/refresh",
            202,
            json={"merchant_id": plan.merchant_id},
        )
        task = wait_for(
            lambda: Task.objects.filter(id=reply["task_id"]).first(),
            f"the reference data of {plan.merchant_id}",
            120,
            self.cluster,
        )
        if not task.success:
            raise FaultRunError(f"reference data refresh failed: {task.result}")

    def map(self, plan: MerchantPlan, mappings: dict) -> None:
        for mapping_type, items in mappings.items():
            body = {"merchant_id": plan.merchant_id, "mappings": items}
            self.api("PUT", f"/api/xero/mappings/{mapping_type}", json=body)

    # ---- the run -------------------------------------------------------------------------

    def ingest(self, sales: list[PosSale]) -> threading.Thread:
        """Post the sales in batches spread over `ingest_seconds`, while the faults run."""

        def post_all() -> None:
            try:
                batches = [sales[n : n + INGEST_BATCH] for n in range(0, len(sales), INGEST_BATCH)]
                pause = self.size.ingest_seconds / max(len(batches), 1)
                for batch in batches:
                    self.post_batch(batch)
                    time.sleep(pause)
            except BaseException as error:  # reported by the test, not lost in the thread
                self.ingest_error = error
            finally:
                db_connection.close()

        thread = threading.Thread(target=post_all, name="pos-ingest", daemon=True)
        thread.start()
        return thread

    def post_batch(self, batch: list[PosSale]) -> None:
        by_merchant: dict[str, list[dict]] = {}
        for sale in batch:
            by_merchant.setdefault(sale.merchant.merchant_id, []).append(sale.body)
        for merchant_id, bodies in by_merchant.items():
            reply = self.api(
                "POST", "/api/xero/sales", json={"merchant_id": merchant_id, "sales": bodies}
            )
            if reply["accepted"] != len(bodies):
                raise FaultRunError(f"sales refused: {reply['results']}")

    def note(self, event: str) -> None:
        self.last_fault_at = time.monotonic()
        self.events.append(f"{time.strftime('%H:%M:%S')} {event}")
        print(f"[fault suite] {self.events[-1]}", flush=True)

    def faults(self, ingesting: threading.Thread) -> None:
        """Every fault of the issue, one after another, while the sales are posted; the
        last storm and the end of the rate faults come after the last sale is posted."""
        self.start_rate_faults()
        self.archive_and_fix_mapping()
        self.storm()
        self.kill_workers_mid_batch()
        if self.postgres:
            self.terminate_a_worker_session_mid_export()
        self.revoke_and_reconnect()
        ingesting.join()
        self.storm()
        self.clear_faults()

    def start_rate_faults(self) -> None:
        size = self.size
        seed = size.seed
        for kind, rate, extra in (
            ("server_error", size.server_error_rate, {}),
            ("drop_after_store", size.lost_answer_rate, {"method": "PUT"}),
            ("drop_after_store", size.lost_answer_rate, {"method": "POST"}),
            ("slow", size.slow_rate, {"delay": size.slow_seconds}),
        ):
            if rate:
                seed += 1
                self.sandbox.post(
                    "faults", {"kind": kind, "rate": str(rate), "seed": seed, **extra}
                )
        self.note("5xx, lost answers and slow answers at their rates")

    def storm(self) -> None:
        if self.size.storm_calls:
            body = {"kind": "rate_limit", "count": self.size.storm_calls, "retry_after": 2}
            self.sandbox.post("faults", body)
            self.note(f"a storm of {self.size.storm_calls} answers 429")

    def in_flight_write(self) -> None:
        """Hold the next write in Xero's hands for a few seconds, and return once it is."""
        before = self.sandbox.served("slow")
        body = {"kind": "slow", "count": 1, "delay": 4, "method": "PUT"}
        self.sandbox.post("faults", body)
        wait_for(
            lambda: self.sandbox.served("slow") > before, "a write in flight", 180, self.cluster
        )

    def kill_workers_mid_batch(self) -> None:
        self.in_flight_write()
        self.cluster.kill_and_restart_workers()
        self.note(f"SIGKILL to all {len(self.cluster.workers)} workers mid-batch; restarted")

    def terminate_a_worker_session_mid_export(self) -> None:
        self.in_flight_write()
        terminated = terminate_worker_sessions()
        self.note(f"pg_terminate_backend of {terminated} worker sessions mid-export")

    def revoke_and_reconnect(self) -> None:
        plan = next(p for p in MERCHANTS if p.organisation == 1)
        self.sandbox.post("revoke", {"tenant_id": self.tenants[1]})
        self.note("Xero revoked the third merchant's tokens")
        wait_for(
            lambda: self.connection_status(plan) == "needs_reconnect",
            "the service to see the revoked tokens",
            180,
            self.cluster,
        )
        self.connect(plan)
        self.note("the merchant reconnected")

    def connection_status(self, plan: MerchantPlan) -> str:
        status = self.api("GET", "/api/xero/status", params={"merchant_id": plan.merchant_id})
        return (status.get("connection") or {}).get("status", "")

    def archive_and_fix_mapping(self) -> None:
        plan = next(p for p in MERCHANTS if p.organisation == 1)
        merchant = Merchant.objects.get(merchant_id=plan.merchant_id)
        body = {"tenant_id": self.tenants[1], "code": ARCHIVED_ACCOUNT}
        self.sandbox.post("account-status", body)
        self.note(f"account {ARCHIVED_ACCOUNT} archived in Xero")
        wait_for(
            lambda: self.failed_exports(plan) > 0,
            f"a refusal for the archived account ({merchant})",
            180,
            self.cluster,
        )
        fixed = {
            "special": [
                {**item, "account_code": REPLACEMENT_ACCOUNT}
                if item["kind"] in ("tips", "surcharge")
                else item
                for item in MAPPINGS["special"]
            ]
        }
        self.map(plan, fixed)
        self.note("the merchant mapped tips and surcharges to another account (no replay)")

    def failed_exports(self, plan: MerchantPlan) -> int:
        status = self.api("GET", "/api/xero/status", params={"merchant_id": plan.merchant_id})
        return status["failed_exports"] + status["waiting_exports"]

    def clear_faults(self) -> None:
        self.faults_served = self.sandbox.get("faults")["served_counts"]  # clearing resets them
        requests.delete(f"{self.sandbox.base_url}/_sandbox/faults", timeout=30)
        self.note("faults cleared")

    # ---- settling ------------------------------------------------------------------------

    def organisation_books(self) -> list[OrganisationBooks]:
        return [self.sandbox.books(tenant_id) for tenant_id in self.tenants]

    def settled(self, sales: list[PosSale]) -> bool:
        """Xero's totals per organisation equal the POS's, and nothing is left to pay: a
        cheap look (no documents fetched) at whether the run is over."""
        tenants = {t["tenant_id"]: t for t in self.sandbox.get("state")["tenants"]}
        for index, tenant_id in enumerate(self.tenants):
            held = tenants[tenant_id]
            mine = [s for s in sales if s.merchant.organisation == index]
            took = sum((s.total for s in mine if not s.is_refund), Decimal(0))
            gave = sum((s.total for s in mine if s.is_refund), Decimal(0))
            if (held["invoices"]["total"], held["credit_notes"]["total"]) != (took, gave):
                return False
            if held["invoices"]["amount_due"] or held["credit_notes"]["remaining_credit"]:
                return False
        return True

    def wait_until_settled(self, sales: list[PosSale]) -> float | None:
        """Seconds from the last fault until every sale is in Xero and paid, or None."""
        deadline = self.last_fault_at + self.size.settle_seconds
        while time.monotonic() < deadline:
            if self.settled(sales):
                return time.monotonic() - self.last_fault_at
            time.sleep(POLL_SECONDS * 2)
        return None

    def service_view(self) -> str:
        """What the service's own rows say, for a run that did not settle: documents by
        their two statuses, the connections' states and a few of the last errors."""
        from django.db.models import Count

        from xero_integration.models import ExportDocument

        counts = ExportDocument.objects.values("status", "payments_status").annotate(n=Count("pk"))
        stuck = ExportDocument.objects.exclude(status="sent", payments_status="sent")
        errors = stuck.values_list("number", "status", "payments_status", "attempts", "last_error")
        connections = XeroConnection.objects.values_list(
            "merchant__merchant_id", "tenant_id", "status", "export_claimed_until"
        )
        return "\n".join(
            [
                f"documents by status: {list(counts)}",
                f"connections: {list(connections)}",
                *(str(row) for row in errors[:15]),
            ]
        )
