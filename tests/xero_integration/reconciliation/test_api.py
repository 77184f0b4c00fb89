"""GET /api/xero/reconciliation: the days against the sandbox Xero, JSON or CSV."""

import csv
import io

import pytest
from django_q.models import OrmQ

from tests.factories import OutletFactory
from xero_integration.models import Sale

from .conftest import a_sale, change_in_xero, export_all, ingest

URL = "/api/xero/reconciliation"


def day_of_sales(outlet) -> str:
    return str(Sale.objects.filter(outlet=outlet).earliest("business_date").business_date)


@pytest.fixture
def exported(sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1"), a_sale("A2", price="3.80"))
    export_all(outlet, connection)
    change_in_xero(sandbox, "POSS1-A1", status="DELETED")
    return day_of_sales(outlet)


def params(day, **extra):
    return {"merchant_id": "M-ALLOWED", "pos_station_id": "S1", "from": day, "to": day, **extra}


def test_answers_each_day_read_back_from_xero(api, exported):
    response = api.get(URL, params(exported))

    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "done"
    [day] = body["days"]
    assert (day["business_date"], day["status"]) == (exported, "red")
    assert [(f["flag"], f["number"]) for f in day["flags"]] == [("deleted", "POSS1-A1")]
    assert (day["pos"]["net"], day["xero"]["net"], day["difference"]["net"]) == (
        "16.60",
        "7.60",
        "-9.00",
    )


def test_format_csv_answers_one_row_per_day(api, exported):
    response = api.get(URL, params(exported, format="csv"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["business_date"], r["status"], r["difference_net"]) for r in rows] == [
        (exported, "red", "-9.00")
    ]


def test_accept_text_csv_answers_csv(api, exported):
    response = api.get(URL, params(exported), HTTP_ACCEPT="text/csv")

    assert response["Content-Type"].startswith("text/csv")


def test_range_longer_than_inline_days_is_queued_for_the_worker(
    api, exported, settings, django_capture_on_commit_callbacks
):
    settings.RECONCILIATION_INLINE_DAYS = 0
    with django_capture_on_commit_callbacks(execute=True):
        response = api.get(URL, params(exported))

    assert response.status_code == 202
    assert response.json()["state"] == "queued"


def test_to_before_from_is_refused_naming_to(api, outlet, db):
    response = api.get(URL, params("2026-11-20", to="2026-11-19"))

    assert response.status_code == 400
    assert response.json()["fields"] == {"to": ["Must be on or after `from`."]}


def test_range_over_a_year_is_refused_naming_to(api, outlet, db):
    response = api.get(URL, params("2025-01-01", to="2026-01-02"))

    assert response.status_code == 400
    assert response.json()["fields"] == {"to": ["At most 366 days from `from`."]}


def test_bad_date_is_refused_naming_from(api, outlet, db):
    response = api.get(URL, params("2026-13-01", to="2026-11-19"))

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["from"]


def test_bad_date_in_a_csv_request_is_still_json(api, outlet, db):
    response = api.get(URL, params("nope", format="csv"))

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "invalid"


def test_missing_station_is_refused_naming_it(api, outlet, db):
    response = api.get(URL, {"merchant_id": "M-ALLOWED", "from": "2026-11-01", "to": "2026-11-02"})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["pos_station_id"]


def test_another_merchants_outlet_answers_404_like_an_unknown_one(api, other_outlet, db):
    other = api.get(URL, params("2026-11-01", merchant_id=other_outlet.merchant.merchant_id))

    assert other.status_code == 404
    assert other.json() == {
        "error": "not_found",
        "detail": f"Merchant '{other_outlet.merchant.merchant_id}' was not found.",
    }


def test_unknown_station_of_own_merchant_answers_404(api, outlet, db):
    OutletFactory.create(merchant=outlet.merchant, pos_station_id="S9")

    assert api.get(URL, params("2026-11-01", pos_station_id="S404")).status_code == 404


def test_a_long_range_is_read_by_one_task_a_week(
    api, outlet, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        api.get(URL, params("2026-10-01", to="2026-10-31"))

    spans = sorted(q.task["args"][1:] for q in OrmQ.objects.all())
    assert spans == [
        ("2026-10-01", "2026-10-07"),
        ("2026-10-08", "2026-10-14"),
        ("2026-10-15", "2026-10-21"),
        ("2026-10-22", "2026-10-28"),
        ("2026-10-29", "2026-10-31"),
    ]
