"""What finance staff see of the reconciliation, in a real browser: the calendar with a day
voided in Xero in red, the day's figures, and a backfill dry run listing the missing day."""

import pytest
from django.contrib.auth.models import User

from outlets.services import create_merchant, create_outlet, update_export_settings
from tests.sandbox_helpers import ready_connection
from tests.xero_integration.reconciliation.conftest import (
    a_sale,
    change_in_xero,
    export_all,
    ingest,
)
from xero_integration.models import Sale
from xero_integration.reconciliation.services import reconcile_outlet

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def expect():
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


@pytest.fixture
def voided_day(service, sandbox, client):
    """Two days of sales: the first exported, then voided in Xero; the second never sent."""
    merchant, _ = create_merchant(merchant_id="M-DEMO", name="Harbour Cafe", currency="AUD")
    outlet, _ = create_outlet(
        merchant_id="M-DEMO",
        pos_station_id="S1",
        name="Front counter",
        timezone_name="Australia/Sydney",
    )
    update_export_settings(outlet=outlet, frequency="manual", grouping="per_sale")
    connection = ready_connection(client, merchant)
    ingest(merchant, a_sale("A1", days_ago=2))
    export_all(outlet, connection)
    change_in_xero(sandbox, "POSS1-A1", status="VOIDED")
    ingest(merchant, a_sale("A2", days_ago=1))
    days = sorted({s.business_date for s in Sale.objects.all()})
    reconcile_outlet(outlet=outlet, start=days[0], end=days[-1])
    return outlet, days


def log_in(page, service):
    User.objects.create_superuser("finance", "finance@example.com", "a-long-test-password")
    page.goto(service + "/admin/")
    page.fill("#id_username", "finance")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")


def test_finance_staff_see_the_voided_day_in_red_and_backfill_it(
    page, service, voided_day, screenshot
):
    outlet, days = voided_day
    log_in(page, service)
    page.get_by_role("link", name="Reconciliation days").click()
    page.get_by_role("link", name="Calendar").click()
    page.goto(page.url + f"?outlet={outlet.pk}&month={days[0]:%Y-%m}")

    red = page.locator("td.day.red")
    expect()(red).to_contain_text(str(days[0].day))
    screenshot("reconciliation-calendar")
    red.get_by_role("link").click()
    expect()(page.locator("body")).to_contain_text("Voided in Xero")
    screenshot("reconciliation-day")

    page.goto(service + f"/admin/xero_integration/reconciliationday/backfill/?outlet={outlet.pk}")
    page.fill("#id_start", days[0].isoformat())
    page.fill("#id_end", days[-1].isoformat())
    page.get_by_role("button", name="Backfill").click()

    rows = page.locator("#backfill-to-send tbody tr")
    expect()(rows).to_have_count(2)
    expect()(rows.nth(0)).to_contain_text("POSS1-A1-R1")
    expect()(rows.nth(1)).to_contain_text("POSS1-A2")
    screenshot("reconciliation-backfill-dry-run")
