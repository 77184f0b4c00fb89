"""refresh_reference_data: Xero's answers (mocked with `responses`) land in the reference cache."""

import datetime

import pytest
import responses
from responses import matchers

from tests.factories import XeroConnectionFactory
from xero_integration.connection.reference_data import refresh_reference_data, xero_date
from xero_integration.models import ReferenceRecord, ReferenceSnapshot
from xero_integration.xero import transport

API = "https://api.xero.test/api.xro/2.0"
ORGANISATION = {
    "OrganisationID": "org-1",
    "Name": "Demo Cafe Pty Ltd",
    "BaseCurrency": "AUD",
    "CountryCode": "AU",
    "Timezone": "AUSEASTERNSTANDARDTIME",
    "PeriodLockDate": "/Date(1761868800000+0000)/",
    "EndOfYearLockDate": "/Date(1751241600000+0000)/",
}

TAX_RATES = """{"TaxRates": [{"TaxType": "OUTPUT", "Name": "GST on Income", "Status": "ACTIVE",
  "EffectiveRate": 10.0000, "TaxComponents": [{"Name": "GST", "Rate": 10.0000}]}]}"""


@pytest.fixture(autouse=True)
def xero_settings(settings, monkeypatch):
    settings.XERO_API_URL = API
    monkeypatch.setattr(transport, "sleep", lambda seconds: None)


@pytest.fixture
def connection(merchant):
    return XeroConnectionFactory.create(merchant=merchant, tenant_id="tenant-1")


def account(code, status="ACTIVE"):
    return {
        "AccountID": f"acc-{code}",
        "Code": code,
        "Name": f"Account {code}",
        "Type": "REVENUE",
        "Status": status,
    }


def contact(n):
    return {
        "ContactID": f"c-{n}",
        "ContactNumber": f"N{n}" if n % 2 else None,
        "Name": f"Contact {n}",
        "ContactStatus": "ACTIVE",
    }


def mock_xero(*, accounts=(), contacts_pages=([],), tracking=None):
    responses.get(f"{API}/Accounts", json={"Accounts": list(accounts)})
    # Raw text: Xero writes rates to 4 dp, which a Python float would not keep.
    responses.get(f"{API}/TaxRates", body=TAX_RATES)
    responses.get(
        f"{API}/TrackingCategories",
        json={
            "TrackingCategories": tracking
            or [
                {
                    "TrackingCategoryID": "tc-1",
                    "Name": "Region",
                    "Status": "ACTIVE",
                    "Options": [{"TrackingOptionID": "o-1", "Name": "North", "Status": "ARCHIVED"}],
                },
            ]
        },
    )
    for page, rows in enumerate(contacts_pages, start=1):
        responses.get(
            f"{API}/Contacts",
            json={"Contacts": rows},
            match=[
                matchers.query_param_matcher(
                    {"page": str(page), "pageSize": "100", "includeArchived": "true"}
                ),
            ],
        )
    responses.get(f"{API}/Organisation", json={"Organisations": [ORGANISATION]})


def requests_to(path):
    return [
        call.request
        for call in responses.calls
        if call.request.path_url.split("?")[0].endswith(path)
    ]


@responses.activate
def test_refresh_stores_every_kind_and_returns_counts(connection):
    mock_xero(accounts=[account("200"), account("090")], contacts_pages=[[contact(1)]])

    counts = refresh_reference_data(connection=connection)

    assert counts == {
        "accounts": 2,
        "tax_rates": 1,
        "tracking_categories": 1,
        "contacts": 1,
        "organisation": 1,
    }
    records = ReferenceRecord.objects.filter(connection=connection)
    assert sorted(records.values_list("kind", "code", "status")) == [
        ("accounts", "090", "ACTIVE"),
        ("accounts", "200", "ACTIVE"),
        ("contacts", "N1", "ACTIVE"),
        ("tax_rates", "OUTPUT", "ACTIVE"),
        ("tracking_categories", "Region", "ACTIVE"),
    ]


@responses.activate
def test_decimal_amounts_are_stored_as_exact_strings(connection):
    mock_xero()

    refresh_reference_data(connection=connection)

    rate = ReferenceRecord.objects.get(kind="tax_rates")
    assert (rate.xero_id, rate.name) == ("OUTPUT", "GST on Income")
    assert rate.data["EffectiveRate"] == "10.0000"
    assert rate.data["TaxComponents"][0]["Rate"] == "10.0000"


@responses.activate
def test_tracking_options_are_kept_with_their_category_archived_ones_included(connection):
    mock_xero()

    refresh_reference_data(connection=connection)

    category = ReferenceRecord.objects.get(kind="tracking_categories")
    assert category.data["Options"] == [
        {"TrackingOptionID": "o-1", "Name": "North", "Status": "ARCHIVED"}
    ]
    assert "includeArchived=true" in requests_to("/TrackingCategories")[0].url


@responses.activate
def test_contacts_are_read_page_by_page_until_a_short_page(connection):
    pages = [
        [contact(n) for n in range(1, 101)],
        [contact(n) for n in range(101, 201)],
        [contact(n) for n in range(201, 208)],
    ]
    mock_xero(contacts_pages=pages)

    counts = refresh_reference_data(connection=connection)

    assert counts["contacts"] == 207
    assert len(requests_to("/Contacts")) == 3
    assert ReferenceRecord.objects.filter(kind="contacts").count() == 207
    without_number = ReferenceRecord.objects.get(kind="contacts", xero_id="c-2")
    assert (without_number.code, without_number.name) == ("", "Contact 2")


@responses.activate
def test_second_refresh_asks_only_for_changes_since_the_first(connection):
    mock_xero(accounts=[account("200")], contacts_pages=[[contact(1)]])
    refresh_reference_data(connection=connection)
    first_refresh = ReferenceSnapshot.objects.get(
        connection=connection, kind="contacts"
    ).refreshed_at

    refresh_reference_data(connection=connection)

    for path in ("/Accounts", "/Contacts"):
        first, second = requests_to(path)
        assert "If-Modified-Since" not in first.headers
        since = datetime.datetime.fromisoformat(second.headers["If-Modified-Since"])
        assert first_refresh - datetime.timedelta(minutes=10) < since <= first_refresh
    assert all("If-Modified-Since" not in r.headers for r in requests_to("/TaxRates"))


@responses.activate
def test_archived_account_is_kept_as_archived(connection):
    mock_xero(accounts=[account("200")])
    refresh_reference_data(connection=connection)
    responses.reset()
    mock_xero(accounts=[account("200", status="ARCHIVED")])

    refresh_reference_data(connection=connection)

    record = ReferenceRecord.objects.get(kind="accounts", xero_id="acc-200")
    assert record.status == "ARCHIVED"
    assert record.data["Status"] == "ARCHIVED"


@responses.activate
def test_a_record_missing_from_xeros_answer_is_kept(connection):
    mock_xero(accounts=[account("200"), account("310")])
    refresh_reference_data(connection=connection)
    responses.reset()
    mock_xero(accounts=[account("200")])

    refresh_reference_data(connection=connection)

    kept = ReferenceRecord.objects.get(kind="accounts", xero_id="acc-310")
    assert (kept.code, kept.status) == ("310", "ACTIVE")


@responses.activate
def test_not_modified_accounts_leave_the_cache_as_it_was(connection):
    mock_xero(accounts=[account("200")])
    refresh_reference_data(connection=connection)
    responses.reset()
    mock_xero()
    responses.replace(responses.GET, f"{API}/Accounts", status=304)

    counts = refresh_reference_data(connection=connection)

    assert counts["accounts"] == 0
    assert ReferenceRecord.objects.filter(kind="accounts").count() == 1


@responses.activate
def test_organisation_snapshot_is_stored_with_lock_dates(connection):
    mock_xero()

    refresh_reference_data(connection=connection)

    snapshot = ReferenceSnapshot.objects.get(connection=connection, kind="organisation")
    assert snapshot.data["BaseCurrency"] == "AUD"
    assert snapshot.data["Timezone"] == "AUSEASTERNSTANDARDTIME"
    assert snapshot.data["Name"] == "Demo Cafe Pty Ltd"
    assert snapshot.data["PeriodLockDate"] == "/Date(1761868800000+0000)/"
    assert snapshot.data["period_lock_date"] == "2025-10-31"
    assert snapshot.data["end_of_year_lock_date"] == "2025-06-30"


@responses.activate
def test_each_kind_records_when_it_was_refreshed(connection):
    mock_xero()

    refresh_reference_data(connection=connection)

    kinds = set(
        ReferenceSnapshot.objects.filter(connection=connection).values_list("kind", flat=True)
    )
    assert kinds == {"accounts", "tax_rates", "tracking_categories", "contacts", "organisation"}


@responses.activate
def test_another_connections_records_are_untouched(connection, other_merchant):
    other = XeroConnectionFactory.create(merchant=other_merchant, tenant_id="tenant-2")
    ReferenceRecord.objects.create(
        connection=other,
        kind="accounts",
        xero_id="acc-200",
        code="200",
        name="Theirs",
        status="ACTIVE",
    )
    mock_xero(accounts=[account("200", status="ARCHIVED")])

    refresh_reference_data(connection=connection)

    assert ReferenceRecord.objects.get(connection=other).status == "ACTIVE"
    assert ReferenceRecord.objects.get(connection=connection, kind="accounts").status == "ARCHIVED"


def test_xero_dates_are_read_in_their_own_offset():
    assert xero_date("/Date(1419937200000+1300)/") == "2014-12-31"
    assert xero_date("/Date(1439434356790)/") == "2015-08-13"
    assert xero_date("2026-01-31T00:00:00") == "2026-01-31"
    assert xero_date(None) is None
