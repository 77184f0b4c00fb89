"""A fresh merchant set up from the admin, connect to first export sent, in a real browser:
at most 15 clicks and no codes typed. The POS has registered the merchant, its outlets and
a day of sales; finance staff do the rest from the setup page."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from outlets.services import create_merchant, create_outlet
from tests.sandbox_helpers import sandbox_documents
from xero_integration.models import ExportDocument, ExportStatus, XeroConnection
from xero_integration.sales.services import ingest_sales

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAX_CLICKS = 15
PASSWORD = "a-long-test-password"


def expect():
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


class Clicks:
    """Every click the person makes, counted."""

    def __init__(self) -> None:
        self.made: list[str] = []

    def __call__(self, locator, what: str) -> None:
        self.made.append(what)
        locator.click()


def yesterdays_sale(sale_id: str, station: str, method: str, category: str, **extra) -> dict:
    """A sale of yesterday (Sydney), so its daily summary is due now."""
    occurred = timezone.now() - datetime.timedelta(hours=30)
    sale = {
        "id": sale_id,
        "pos_station_id": station,
        "type": "sale",
        "occurred_at": occurred.isoformat(),
        "currency": "AUD",
        "amounts_include_tax": True,
        "lines": [
            {
                "category": category,
                "description": category.title(),
                "quantity": "2",
                "unit_price": "5.50",
                "discount": "0.00",
                "tax_code": "GST10",
                "tax_amount": "1.00",
            }
        ],
        "payments": [{"method": method, "amount": "11.00"}],
        **extra,
    }
    return sale


@pytest.fixture
def registered_by_the_pos(service):
    """What the POS did before anyone opened the admin: merchant, outlets, sales."""
    merchant, _ = create_merchant(merchant_id="M-FRESH", name="Harbour Cafe", currency="AUD")
    for station, name in (("S1", "Front counter"), ("S2", "Kiosk")):
        create_outlet(
            merchant_id="M-FRESH",
            pos_station_id=station,
            name=name,
            timezone_name="Australia/Sydney",
        )
    tipped = yesterdays_sale("S1-0003", "S1", "eftpos", "coffee", tips="1.00")
    tipped["payments"][0]["amount"] = "12.00"
    sales = [
        yesterdays_sale("S1-0001", "S1", "card", "coffee"),
        yesterdays_sale("S1-0002", "S1", "cash", "pastry"),
        tipped,
        yesterdays_sale("S2-0001", "S2", "card", "coffee"),
    ]
    results = ingest_sales(merchant=merchant, raw_sales=sales)
    assert {r.status for r in results} == {"accepted"}, results
    return merchant


def test_a_fresh_merchant_is_set_up_from_connect_to_first_export_in_15_clicks(
    page, service, sandbox, beating_worker, registered_by_the_pos, screenshot
):
    merchant = registered_by_the_pos
    User.objects.create_superuser("finance", "finance@example.com", PASSWORD)
    click = Clicks()

    page.goto(service + "/admin/")
    page.fill("#id_username", "finance")
    page.fill("#id_password", PASSWORD)
    click(page.locator("input[type=submit]"), "log in")
    click(page.get_by_role("link", name="Merchants", exact=True), "Merchants")
    row = page.locator("tr", has_text="Harbour Cafe")
    click(row.get_by_role("link", name="Setup →"), "Setup")
    expect()(page.locator("#step-connect")).to_have_attribute("data-state", "todo")
    screenshot("setup-fresh")

    click(page.locator("#connect-xero"), "Connect to Xero")  # the sandbox approves at once
    expect()(page.locator(".messagelist")).to_contain_text("is connected to Xero")
    expect()(page.locator("#step-reference")).to_have_attribute(
        "data-state", "done", timeout=45_000
    )  # fetched by the worker; the page reloads itself meanwhile
    expect()(page.locator("#step-mappings")).to_have_attribute("data-state", "problem")
    expect()(page.locator("#step-mappings")).to_contain_text("eftpos")

    click(page.locator("#open-mappings"), "Open the mapping editor")
    expect()(page.locator("select[name='payments::eftpos']")).to_have_value("615")
    screenshot("mapping-editor")
    click(page.locator("#save-mappings"), "Save all mappings")  # the suggestions, accepted
    expect()(page.locator(".messagelist")).to_contain_text("Saved")
    expect()(page.locator("#step-mappings")).to_have_attribute("data-state", "done")
    expect()(page.locator("#step-settings")).to_have_attribute("data-state", "done")

    click(page.locator("#export-now"), "Export now")
    expect()(page.locator("#step-export")).to_have_attribute("data-state", "done", timeout=45_000)
    screenshot("setup-done")

    connection = XeroConnection.objects.get(merchant=merchant)
    in_xero = sandbox_documents(sandbox, connection.tenant_id)["Invoices"]
    assert sorted(i["Status"] for i in in_xero) == ["PAID", "PAID"]  # one summary per outlet
    assert sum(float(i["Total"]) for i in in_xero) == 45.00
    assert not ExportDocument.objects.exclude(status=ExportStatus.SENT).exists()
    assert len(click.made) <= MAX_CLICKS, click.made
    print(f"\nguided setup: {len(click.made)} clicks: {', '.join(click.made)}")  # noqa: T201
