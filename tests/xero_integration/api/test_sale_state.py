"""GET /api/xero/sales/{id}: where one sale is on its way to Xero, for the POS developer."""

from decimal import Decimal

import pytest

from tests.factories import ExportDocumentFactory, SaleFactory
from tests.xero_integration.api.test_status import map_everything
from xero_integration.models import ReferenceSnapshot, SaleKey

URL = "/api/xero/sales/{sale_id}"


def state(api, sale_id, merchant_id="M-ALLOWED"):
    return api.get(URL.format(sale_id=sale_id), {"merchant_id": merchant_id})


@pytest.fixture
def mapped(connection, outlet):
    map_everything(connection.merchant)
    outlet.export_settings.grouping = "per_sale"
    outlet.export_settings.frequency = "hourly"
    outlet.export_settings.save()
    return connection


def keyed_sale(outlet, sale_id, *keys):
    sale = SaleFactory.create(outlet=outlet, sale_id=sale_id, total=Decimal("12.50"))
    for mapping_type, key in keys:
        SaleKey.objects.create(sale=sale, outlet=outlet, type=mapping_type, key=key)
    return sale


def test_a_sale_with_a_value_nothing_maps_waits_and_says_which(api, mapped, outlet):
    keyed_sale(outlet, "S1/0001", ("payments", "eftpos"), ("revenue", "coffee"))

    body = state(api, "S1/0001").json()

    assert body["state"] == "waiting"
    assert body["reasons"] == ["No Xero account is mapped for payment method 'eftpos'."]
    assert (body["reason_source"], body["document"], body["total"]) == ("ours", None, "12.50")


def test_a_ready_sale_is_queued_for_the_outlets_schedule(api, mapped, outlet):
    keyed_sale(outlet, "A1", ("payments", "card"))

    body = state(api, "A1").json()

    assert (body["state"], body["reasons"]) == (
        "queued",
        ["Goes to Xero with the outlet's next export (Hourly)."],
    )


def test_a_sale_xero_has_answers_its_number_and_link(api, mapped, outlet):
    ReferenceSnapshot.objects.update_or_create(
        connection=mapped,
        kind="organisation",
        defaults={"refreshed_at": mapped.last_refreshed_at, "data": {"ShortCode": "!abc"}},
    )
    document = ExportDocumentFactory.create(
        outlet=outlet,
        connection=mapped,
        number="POSS1-A1",
        status="sent",
        payments_status="sent",
        xero_id="inv-1",
    )
    SaleFactory.create(outlet=outlet, sale_id="A1", document=document)

    body = state(api, "A1").json()

    assert body["state"] == "sent"
    assert body["document"]["number"] == "POSS1-A1"
    assert body["document"]["xero_url"] == (
        "https://go.xero.com/organisationlogin/default.aspx?shortcode=%21abc"
        "&redirecturl=%2FAccountsReceivable%2FView.aspx%3FInvoiceID%3Dinv-1"
    )


def test_a_failed_sale_says_what_xero_said(api, mapped, outlet):
    document = ExportDocumentFactory.create(
        outlet=outlet,
        connection=mapped,
        status="failed",
        error_source="xero",
        last_error="The document date cannot be before the period lock date.",
    )
    SaleFactory.create(outlet=outlet, sale_id="OLD", document=document)

    body = state(api, "OLD").json()

    assert (body["state"], body["reason_source"]) == ("failed", "xero")
    assert body["reasons"] == ["The document date cannot be before the period lock date."]


def test_a_sale_of_another_merchant_is_404(api, other_outlet):
    SaleFactory.create(outlet=other_outlet, sale_id="THEIRS")

    assert state(api, "THEIRS", merchant_id="M-OTHER").status_code == 404
    assert state(api, "THEIRS").status_code == 404
    assert state(api, "THEIRS").json()["detail"] == "No sale 'THEIRS' for merchant 'M-ALLOWED'."
