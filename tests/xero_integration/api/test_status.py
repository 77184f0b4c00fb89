import datetime

from django.utils import timezone

from tests.factories import ExportDocumentFactory, MappingFactory, SaleFactory
from xero_integration.models import ConnectionStatus, SyncLog

URL = "/api/xero/status"


def map_everything(merchant):
    for mapping_type, pos, xero in [
        ("revenue", "*", "200"),
        ("payments", "card", "615"),
        ("tax", "GST10", "OUTPUT"),
        ("special", "contact", "POS Sales"),
        ("special", "rounding", "860"),
    ]:
        MappingFactory.create(merchant=merchant, type=mapping_type, pos_value=pos, xero_value=xero)


def status(api, **params):
    return api.get(URL, {"merchant_id": "M-ALLOWED", "pos_station_id": "S1", **params}).json()


def test_fully_mapped_outlet_can_export(api, connection, outlet):
    map_everything(connection.merchant)

    body = status(api)

    assert body["can_export"] is True
    assert body["missing_mappings"] == []
    assert body["connection"]["tenant_name"] == "Allowed Cafe Pty Ltd"


def test_missing_mappings_are_listed(api, connection, outlet):
    body = status(api)

    assert body["can_export"] is False
    assert {(m["type"], m["key"]) for m in body["missing_mappings"]} == {
        ("revenue", "*"),
        ("payments", None),
        ("tax", None),
        ("special", "contact"),
        ("special", "rounding"),
    }


def test_mapping_to_an_archived_account_is_flagged(api, connection, outlet):
    map_everything(connection.merchant)
    MappingFactory.create(
        merchant=connection.merchant, outlet=outlet, pos_value="tea", xero_value="250"
    )

    body = status(api)

    assert body["can_export"] is False
    assert body["invalid_mappings"] == [
        {
            "type": "revenue",
            "key": "tea",
            "reason": "Account '250' (Old Sales) is ARCHIVED in Xero.",
        }
    ]


def test_needs_reconnect_is_reported_with_its_reason(api, connection, outlet):
    map_everything(connection.merchant)
    connection.status = ConnectionStatus.NEEDS_RECONNECT
    connection.status_reason = "Xero refused the refresh token (invalid_grant)."
    connection.save()

    body = status(api)

    assert body["can_export"] is False
    assert body["connection"]["status"] == "needs_reconnect"
    assert "invalid_grant" in body["reasons"][0]


def test_not_connected_is_reported(api, outlet):
    body = status(api)

    assert body["connection"] is None
    assert body["reasons"] == [
        "Xero is not connected for this merchant.",
        "Some mappings are missing.",
    ]


def test_tokens_are_not_in_the_answer(api, connection, outlet):
    text = api.get(URL, {"merchant_id": "M-ALLOWED", "pos_station_id": "S1"}).content.decode()

    assert connection.access_token not in text
    assert connection.refresh_token not in text


def test_last_successful_sync_is_the_last_export_xero_accepted(api, connection, outlet):
    SyncLog.objects.create(  # a successful call, but no export: not a "sync"
        operation="get_accounts",
        merchant=connection.merchant,
        method="GET",
        url="/Accounts",
        outcome="success",
        correlation_id="c1",
    )
    assert status(api)["last_successful_sync_at"] is None
    sent_at = timezone.now() - datetime.timedelta(minutes=5)
    document = ExportDocumentFactory.create(
        outlet=outlet, connection=connection, status="sent", sent_at=sent_at
    )
    SaleFactory.create(outlet=outlet, document=document)
    SaleFactory.create(outlet=outlet, sale_id="waiting")

    body = status(api)

    assert body["last_successful_sync_at"].replace("Z", "+00:00")[:19] == sent_at.isoformat()[:19]
    assert body["last_failed_sync_at"] is None
    assert (body["exported_sales"], body["pending_sales"]) == (1, 1)


def test_merchant_level_status_without_station(api, connection):
    map_everything(connection.merchant)

    body = api.get(URL, {"merchant_id": "M-ALLOWED"}).json()

    assert body["can_export"] is True
    assert body["pos_station_id"] is None


def test_status_answers_in_a_handful_of_queries(
    api, connection, outlet, django_assert_max_num_queries
):
    map_everything(connection.merchant)
    for n in range(50):
        MappingFactory.create(merchant=connection.merchant, pos_value=f"cat{n}", xero_value="200")
        SyncLog.objects.create(
            operation="x",
            merchant=connection.merchant,
            method="GET",
            url="/",
            correlation_id=str(n),
        )

    # Includes the API key lookup and the throttle's shared count (up to 9 statements, with
    # savepoints, for a window's first request) and two reads of the unmapped values the
    # outlet's waiting sales carry (unplanned, and in unsent documents), one count of the
    # organisation's calls of the last day, one count of the sales exported, plus up to
    # seven for the early warnings (Xero's lock date and the oldest day not in Xero; the
    # effective mappings and the accounts and tax rates they name; the oldest waiting sale
    # and the last export); does not grow with mappings, logs or sales. The first call also
    # checks the mappings against the reference data (cached until either changes).
    with django_assert_max_num_queries(24 + 9 + 7):
        assert api.get(URL, {"merchant_id": "M-ALLOWED", "pos_station_id": "S1"}).status_code == 200


def test_status_of_another_merchant_is_404(api, other_outlet):
    assert api.get(URL, {"merchant_id": "M-OTHER", "pos_station_id": "S1"}).status_code == 404


def test_status_without_merchant_id_names_the_field(api):
    response = api.get(URL)

    assert response.status_code == 400
    assert "merchant_id" in response.json()["fields"]


def test_every_unmapped_value_of_waiting_sales_is_listed_at_once(api, connection, outlet):
    from xero_integration.sales.services import ingest_sales

    from ..exports.test_engine import a_sale

    map_everything(connection.merchant)
    with_surcharge = a_sale("A1", method="eftpos", surcharge="0.50")
    with_surcharge["payments"][0]["amount"] = "9.50"  # 2 x 4.50 + 0.50
    results = ingest_sales(
        merchant=connection.merchant,
        raw_sales=[with_surcharge, a_sale("A2", method="eftpos"), a_sale("A3")],
    )
    assert {r.status for r in results} == {"accepted"}

    body = api.get(URL, {"merchant_id": "M-ALLOWED", "pos_station_id": "S1"}).json()

    assert [(k["type"], k["key"], k["sales"]) for k in body["unmapped_keys"]] == [
        ("payments", "eftpos", 2),
        ("special", "surcharge", 1),
    ]
    assert body["unmapped_keys"][0]["reason"] == (
        "No Xero account is mapped for payment method 'eftpos'."
    )
