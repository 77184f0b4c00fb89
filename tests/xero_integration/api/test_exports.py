import datetime

import pytest
from django.utils import timezone
from django_q.models import OrmQ

from tests.factories import MappingFactory
from xero_integration.models import ExportDocument, ExportStatus, SyncLog


def map_everything(merchant):
    for mapping_type, pos, xero in [
        ("revenue", "*", "200"),
        ("payments", "card", "615"),
        ("tax", "GST10", "OUTPUT"),
        ("special", "contact", "POS Sales"),
        ("special", "rounding", "860"),
    ]:
        MappingFactory.create(merchant=merchant, type=mapping_type, pos_value=pos, xero_value=xero)


def failed_document(outlet, connection, number="POSS1-X"):
    return ExportDocument.objects.create(
        outlet=outlet,
        connection=connection,
        kind="invoice",
        grouping="per_sale",
        number=number,
        business_date=datetime.date(2026, 11, 23),
        currency="AUD",
        status=ExportStatus.FAILED,
        body='{"x": 1}',
        last_error="Xero rejected the request: Account code '250' is not valid.",
    )


# Sync -----------------------------------------------------------------------------


# Committed for real: a task is queued once its request's transaction commits.
@pytest.mark.django_db(transaction=True)
def test_sync_queues_an_export_and_answers_202(api, connection, outlet):
    map_everything(outlet.merchant)

    response = api.post(
        "/api/xero/sync", {"merchant_id": "M-ALLOWED", "pos_station_id": "S1"}, format="json"
    )

    assert response.status_code == 202
    assert response.json()["queued"][0]["pos_station_id"] == "S1"
    assert OrmQ.objects.count() == 1


def test_sync_of_an_outlet_that_cannot_export_says_why(api, connection, outlet):
    response = api.post("/api/xero/sync", {"merchant_id": "M-ALLOWED"}, format="json")

    assert response.status_code == 202
    assert response.json()["waiting"] == [
        {"pos_station_id": "S1", "reasons": ["Some mappings are missing."]}
    ]
    assert OrmQ.objects.count() == 0


def test_sync_with_retry_failed_replays_failed_exports(api, connection, outlet):
    map_everything(outlet.merchant)
    document = failed_document(outlet, connection)

    api.post("/api/xero/sync", {"merchant_id": "M-ALLOWED", "retry_failed": True}, format="json")

    document.refresh_from_db()
    assert document.status == ExportStatus.PENDING
    assert document.body == ""


def test_sync_without_retry_failed_leaves_failures_alone(api, connection, outlet):
    map_everything(outlet.merchant)
    document = failed_document(outlet, connection)

    api.post("/api/xero/sync", {"merchant_id": "M-ALLOWED"}, format="json")

    document.refresh_from_db()
    assert document.status == ExportStatus.FAILED


def test_sync_of_another_merchant_is_404(api, other_outlet):
    assert api.post("/api/xero/sync", {"merchant_id": "M-OTHER"}, format="json").status_code == 404


def test_sync_with_a_non_boolean_retry_failed_names_the_field(api, outlet):
    response = api.post(
        "/api/xero/sync", {"merchant_id": "M-ALLOWED", "retry_failed": "maybe"}, format="json"
    )

    assert response.status_code == 400
    assert "retry_failed" in response.json()["fields"]


# Logs -----------------------------------------------------------------------------


def log(merchant, outlet=None, outcome="success", minutes_ago=0, **fields):
    row = SyncLog.objects.create(
        operation=fields.pop("operation", "create_invoices"),
        merchant=merchant,
        outlet=outlet,
        method="PUT",
        url="/Invoices",
        outcome=outcome,
        correlation_id="c",
        **fields,
    )
    SyncLog.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return row


def test_logs_are_newest_first_with_xeros_message(api, outlet):
    log(outlet.merchant, outlet, minutes_ago=10)
    log(
        outlet.merchant,
        outlet,
        outcome="failed",
        error="Invoice # must be unique.",
        documents=["POSS1-A"],
        attempt=2,
    )

    rows = api.get("/api/xero/logs", {"merchant_id": "M-ALLOWED"}).json()["results"]

    assert [r["status"] for r in rows] == ["failed", "success"]
    assert rows[0]["message"] == "Invoice # must be unique."
    assert rows[0]["documents"] == ["POSS1-A"]
    assert rows[0]["attempt"] == 2


def test_logs_filter_by_status_and_outlet(api, outlet):
    log(outlet.merchant, outlet, outcome="failed")
    log(outlet.merchant, None, outcome="failed")
    log(outlet.merchant, outlet)

    rows = api.get(
        "/api/xero/logs", {"merchant_id": "M-ALLOWED", "pos_station_id": "S1", "status": "failed"}
    ).json()

    assert rows["count"] == 1


def test_logs_of_an_outlet_include_batches_of_several_outlets_holding_its_documents(api, outlet):
    theirs = log(outlet.merchant, None, operation="create_payments", documents=["POSS1-A card"])
    log(outlet.merchant, None, operation="create_payments", documents=["POSS12-B card"])
    log(outlet.merchant, None, operation="get_accounts")

    rows = api.get("/api/xero/logs", {"merchant_id": "M-ALLOWED", "pos_station_id": "S1"}).json()

    assert [r["id"] for r in rows["results"]] == [theirs.pk]


def test_failed_logs_include_batches_xero_partly_refused(api, outlet):
    log(outlet.merchant, outlet, outcome="partial", error="POSS1-A: Invoice # must be unique.")
    log(outlet.merchant, outlet)

    rows = api.get("/api/xero/logs", {"merchant_id": "M-ALLOWED", "status": "failed"}).json()[
        "results"
    ]

    assert [(r["status"], r["message"]) for r in rows] == [
        ("partial", "POSS1-A: Invoice # must be unique.")
    ]


def test_logs_filter_by_time(api, outlet):
    log(outlet.merchant, minutes_ago=120)
    log(outlet.merchant, minutes_ago=5)
    since = (timezone.now() - datetime.timedelta(hours=1)).isoformat()

    assert (
        api.get("/api/xero/logs", {"merchant_id": "M-ALLOWED", "since": since}).json()["count"] == 1
    )
    assert (
        api.get("/api/xero/logs", {"merchant_id": "M-ALLOWED", "until": since}).json()["count"] == 1
    )


def test_logs_are_paginated(api, outlet):
    for _ in range(60):
        log(outlet.merchant)

    body = api.get("/api/xero/logs", {"merchant_id": "M-ALLOWED"}).json()

    assert body["count"] == 60 and len(body["results"]) == 50 and body["next"]


def test_logs_of_another_merchant_are_not_shown(api, outlet, other_outlet):
    log(other_outlet.merchant, other_outlet)

    assert api.get("/api/xero/logs", {"merchant_id": "M-ALLOWED"}).json()["count"] == 0
    assert api.get("/api/xero/logs", {"merchant_id": "M-OTHER"}).status_code == 404


def test_logs_with_a_bad_status_name_the_field(api, outlet):
    response = api.get("/api/xero/logs", {"merchant_id": "M-ALLOWED", "status": "weird"})

    assert response.status_code == 400 and "status" in response.json()["fields"]


# Export settings ------------------------------------------------------------------

SETTINGS_URL = "/api/xero/export-settings?merchant_id=M-ALLOWED&pos_station_id=S1"


def test_export_settings_are_read(api, outlet):
    body = api.get(SETTINGS_URL).json()

    assert body == {
        "frequency": "daily",
        "grouping": "daily_summary",
        "daily_at": "02:00",
        "business_day_start_hour": 0,
        "number_prefix": "POSS1",
        "enabled": True,
        "lock_date_policy": "hold",
    }


def test_export_settings_are_changed(api, outlet):
    changes = {
        "frequency": "hourly",
        "grouping": "per_sale",
        "daily_at": "03:30",
        "business_day_start_hour": 4,
        "number_prefix": "SYD",
        "enabled": False,
        "lock_date_policy": "post_on_first_open_date",
    }

    response = api.put(SETTINGS_URL, changes, format="json")

    assert response.status_code == 200
    assert response.json() == changes


def test_bad_export_settings_name_each_field(api, outlet):
    response = api.put(
        SETTINGS_URL,
        {
            "frequency": "weekly",
            "business_day_start_hour": 24,
            "number_prefix": "SY D",
            "lock_date_policy": "ignore",
        },
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {
        "lock_date_policy",
        "frequency",
        "business_day_start_hour",
        "number_prefix",
    }


def test_a_prefix_used_by_another_outlet_is_refused(api, outlet):
    from outlets.services import update_export_settings
    from tests.factories import OutletFactory

    sibling = OutletFactory.create(merchant=outlet.merchant, pos_station_id="S2")
    update_export_settings(outlet=sibling, number_prefix="SYD")

    response = api.put(SETTINGS_URL, {"number_prefix": "syd"}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"]["number_prefix"] == [
        "Outlet 'S2' of this merchant already uses the prefix 'syd'."
    ]


def test_export_settings_need_a_station(api, outlet):
    response = api.get("/api/xero/export-settings?merchant_id=M-ALLOWED")

    assert response.status_code == 400 and "pos_station_id" in response.json()["fields"]


def test_export_settings_of_another_merchant_are_404(api, other_outlet):
    assert (
        api.get("/api/xero/export-settings?merchant_id=M-OTHER&pos_station_id=S1").status_code
        == 404
    )


def test_export_settings_body_that_is_not_an_object_is_refused(api, outlet):
    response = api.put(SETTINGS_URL, [1, 2], format="json")

    assert response.status_code == 400


def test_derived_prefix_uses_the_outlet_id_when_the_station_id_is_not_plain(api, outlet):
    from tests.factories import OutletFactory

    odd = OutletFactory.create(merchant=outlet.merchant, pos_station_id="till-1")

    assert odd.export_settings.effective_prefix == f"POS{odd.pk}"
    assert outlet.export_settings.effective_prefix == "POSS1"
