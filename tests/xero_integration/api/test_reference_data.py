import pytest
from django_q.models import OrmQ

from tests.factories import ReferenceRecordFactory

URL = "/api/xero/reference-data/{kind}"


def test_lists_cached_accounts_with_refreshed_at(api, connection):
    body = api.get(URL.format(kind="accounts"), {"merchant_id": "M-ALLOWED"}).json()

    assert body["count"] == 9
    assert body["refreshed_at"] is not None
    assert body["results"][0]["code"] == "090"


def test_archived_accounts_stay_visible_as_archived(api, connection):
    body = api.get(URL.format(kind="accounts"), {"merchant_id": "M-ALLOWED"}).json()

    assert {"250": "ARCHIVED"}.items() <= {r["code"]: r["status"] for r in body["results"]}.items()


def test_contacts_are_paginated(api, connection):
    for n in range(150):
        ReferenceRecordFactory.create(
            connection=connection, kind="contacts", code="", name=f"Customer {n:03d}"
        )

    first = api.get(URL.format(kind="contacts"), {"merchant_id": "M-ALLOWED"}).json()
    second = api.get(URL.format(kind="contacts"), {"merchant_id": "M-ALLOWED", "page": 2}).json()

    assert first["count"] == 152
    assert len(first["results"]) == 100
    assert len(second["results"]) == 52
    assert first["next"] is not None


def test_contacts_can_be_searched(api, connection):
    body = api.get(
        URL.format(kind="contacts"), {"merchant_id": "M-ALLOWED", "search": "pos"}
    ).json()

    assert [r["name"] for r in body["results"]] == ["POS Sales"]


def test_unknown_kind_is_404_with_reason(api, connection):
    response = api.get(URL.format(kind="invoices"), {"merchant_id": "M-ALLOWED"})

    assert response.status_code == 404
    assert response.json()["detail"].startswith("Unknown reference data 'invoices'")


def test_another_merchants_reference_data_is_404(api, connection, other_merchant):
    assert api.get(URL.format(kind="accounts"), {"merchant_id": "M-OTHER"}).status_code == 404


# Committed for real: a task is queued once its request's transaction commits.
@pytest.mark.django_db(transaction=True)
def test_refresh_is_queued_and_answers_202_with_task_id(api, connection):
    response = api.post(URL.format(kind="refresh"), {"merchant_id": "M-ALLOWED"}, format="json")

    assert response.status_code == 202
    assert response.json()["task_id"]
    assert OrmQ.objects.count() == 1


def test_refresh_without_connection_is_409(api, merchant):
    response = api.post(URL.format(kind="refresh"), {"merchant_id": "M-ALLOWED"}, format="json")

    assert response.status_code == 409
