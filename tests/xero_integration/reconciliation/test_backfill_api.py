"""POST /api/xero/backfill and POST /api/xero/reconciliation/decision."""

import pytest

from outlets.services import update_export_settings
from xero_integration.models import ExportDocument, Sale

from .conftest import a_sale, change_in_xero, export_all, ingest

BACKFILL = "/api/xero/backfill"
DECISION = "/api/xero/reconciliation/decision"
SCOPE = {"merchant_id": "M-ALLOWED", "pos_station_id": "S1"}


@pytest.fixture
def voided_day(sandbox, connection, outlet):
    update_export_settings(outlet=outlet, grouping="daily_summary")
    ingest(outlet.merchant, a_sale("D2", days_ago=2))
    export_all(outlet, connection)
    change_in_xero(sandbox, ExportDocument.objects.get().number, status="VOIDED")
    ingest(outlet.merchant, a_sale("D1", days_ago=1))
    return {n: str(Sale.objects.get(sale_id=f"D{n}").business_date) for n in (2, 1)}


def test_dry_run_is_the_default_and_lists_the_missing_days(api, voided_day):
    response = api.post(
        BACKFILL, {**SCOPE, "from": voided_day[2], "to": voided_day[1]}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] is True
    assert body["days"] == [voided_day[2], voided_day[1]]
    assert [i["reason"] for i in body["to_send"]] == ["voided", "not_exported"]


def test_real_run_answers_202_and_plans_the_documents(
    api, voided_day, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            BACKFILL,
            {**SCOPE, "from": voided_day[2], "to": voided_day[1], "dry_run": False},
            format="json",
        )

    assert response.status_code == 202
    assert not Sale.objects.filter(document__isnull=True).exists()
    assert ExportDocument.objects.filter(number__endswith="-R1", status="pending").count() == 1


def test_backfill_range_over_31_days_is_refused_naming_to(api, outlet, db):
    response = api.post(
        BACKFILL, {**SCOPE, "from": "2026-10-01", "to": "2026-11-01"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"to": ["At most 31 days from `from`."]}


def test_backfill_without_xero_answers_409_with_the_reason(api, outlet, db):
    response = api.post(
        BACKFILL, {**SCOPE, "from": "2026-11-01", "to": "2026-11-01"}, format="json"
    )

    assert response.status_code == 409
    assert (
        response.json()["detail"]
        == "Outlet 'S1' has no active Xero connection: connect Xero first."
    )


def test_decision_reexports_once_under_a_new_number(api, voided_day, outlet):
    api.get("/api/xero/reconciliation", {**SCOPE, "from": voided_day[2], "to": voided_day[2]})
    number = ExportDocument.objects.get().number

    first = api.post(DECISION, {**SCOPE, "number": number, "decision": "reexport"}, format="json")
    second = api.post(DECISION, {**SCOPE, "number": number, "decision": "reexport"}, format="json")

    assert first.json() == {
        "number": number,
        "decision": "reexport",
        "replacement_number": f"{number}-R1",
    }
    assert second.status_code == 409
    assert ExportDocument.objects.filter(number=f"{number}-R1").count() == 1


def test_decision_on_a_document_xero_holds_as_sent_answers_409(api, sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1"))
    export_all(outlet, connection)

    response = api.post(
        DECISION, {**SCOPE, "number": "POSS1-A1", "decision": "accept"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"] == "decision_refused"


def test_decision_on_an_unknown_number_answers_404(api, outlet, db):
    response = api.post(DECISION, {**SCOPE, "number": "NOPE", "decision": "accept"}, format="json")

    assert response.status_code == 404
