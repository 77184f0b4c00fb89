"""What a person sees, in a real browser: the landing page's live indicator, the API docs
without internet, and the operations dashboard where support staff replay a failed export."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User

from outlets.services import create_merchant, create_outlet, update_export_settings
from tests.sandbox_helpers import ready_connection, sandbox_post
from tests.xero_integration.exports.test_engine import a_sale, ingest
from xero_integration.exports.engine import export_connection
from xero_integration.models import ExportDocument, ExportStatus

from .conftest import STALE_SECONDS, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def expect():
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


def test_the_landing_page_goes_from_waiting_to_live_figures_then_degraded(
    page, service, beating_worker, screenshot
):
    held: list = []
    released: list[bool] = []

    def hold_the_first_answer(route):
        route.continue_() if released else held.append(route)

    page.route("**/api/health", hold_the_first_answer)

    page.goto(service + "/")

    status = page.locator("#service-status")
    expect()(status).to_have_text("waiting for first heartbeat")
    screenshot("landing-waiting")
    released.append(True)
    for route in held:
        route.continue_()
    expect()(status).to_have_text("ok")
    expect()(page.locator("#db-latency")).to_have_text(re.compile(r"^\d+\.\d ms$"))
    expect()(page.locator("#queue-load")).to_contain_text("queued")
    expect()(page.locator("#workers")).to_contain_text("1 alive")
    expect()(page.locator("#syncs")).to_have_text("0 succeeded, 0 failed")
    expect()(page.locator("#endpoints")).to_contain_text("/api/xero/sales")
    screenshot("landing-live")

    beating_worker.stop()

    expect()(status).to_have_text("degraded", timeout=(STALE_SECONDS + 10) * 1000)
    expect()(page.locator("#workers")).to_contain_text("0 alive")
    screenshot("landing-degraded")

    page.unroute("**/api/health")
    page.route("**/api/health", lambda route: route.abort())
    expect()(status).to_have_text("unreachable — the service did not answer")
    screenshot("landing-unreachable")


def test_the_api_docs_work_without_internet(page, service, screenshot):
    outside = []

    def only_this_machine(route):
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_machine)

    page.goto(service + "/api/docs/")
    # By its operation id: "/api/xero/sales" is also the start of the later-payments path.
    sales = page.locator("#operations-sales-xero_sales_create")
    expect()(sales).to_be_visible()
    sales.locator(".opblock-summary").click()
    expect()(sales).to_contain_text("S1-000123")  # the request example
    screenshot("api-docs")
    page.goto(service + "/api/redoc/")
    expect()(page.get_by_role("heading", name=re.compile("xero-bridge API"))).to_be_visible()
    screenshot("api-redoc", full_page=False)

    assert outside == []


@pytest.fixture
def failed_export(service, live_settings, sandbox, client):
    """A real export Xero refused: the sale is dated in a period Xero has locked."""
    merchant, _ = create_merchant(merchant_id="M-DEMO", name="Harbour Cafe", currency="AUD")
    outlet, _ = create_outlet(
        merchant_id="M-DEMO",
        pos_station_id="S1",
        name="Front counter",
        timezone_name="Australia/Sydney",
    )
    update_export_settings(outlet=outlet, frequency="realtime", grouping="per_sale")
    connection = ready_connection(client, merchant)
    ingest(merchant, a_sale("B1"), a_sale("OLD", hours_ago=24 * 20))
    sandbox_post(sandbox, "config", {"period_lock_date": locked_until()})
    export_connection(connection_id=connection.pk)
    failed = ExportDocument.objects.get(status=ExportStatus.FAILED)
    sandbox_post(sandbox, "config", {"period_lock_date": "2000-12-31"})  # the fix
    return failed


def locked_until() -> str:
    import datetime

    return (datetime.date.today() - datetime.timedelta(days=10)).isoformat()


def test_staff_replay_a_failed_export_from_the_dashboard(
    page, service, failed_export, beating_worker, screenshot
):
    User.objects.create_superuser("support", "support@example.com", "a-long-test-password")
    page.goto(service + "/admin/")
    page.fill("#id_username", "support")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.get_by_role("link", name="Operations dashboard").click()

    failure = page.locator("tr.failure", has_text=failed_export.number)
    expect()(failure).to_contain_text("lock date")
    expect()(page.locator("tr.outlet", has_text="Front counter")).to_contain_text("Active")
    screenshot("dashboard")

    failure.get_by_role("button", name="Replay").click()

    expect()(page.locator(".messagelist")).to_contain_text(
        f"Export {failed_export.number} replayed"
    )
    wait_until(lambda: sent(failed_export), "the replayed export to reach Xero", beating_worker)
    expect()(page.locator("#failures")).to_contain_text("No failed exports.", timeout=15_000)
    screenshot("dashboard-after-replay")


def sent(document: ExportDocument) -> bool:
    document.refresh_from_db()
    return document.status == ExportStatus.SENT
