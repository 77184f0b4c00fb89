import pytest

from .conftest import data, invoice


def test_accounts_include_system_clearing_and_archived_accounts(api):
    accounts = {a["Code"]: a for a in data(api.get("Accounts"))["Accounts"]}
    assert accounts["860"]["SystemAccount"] == "ROUNDING"
    assert accounts["615"]["EnablePaymentsToAccount"] is True
    assert accounts["250"]["Status"] == "ARCHIVED"
    assert accounts["090"]["UpdatedDateUTC"].startswith("/Date(")


def since(api, path, moment):
    return api.call("GET", path, headers={"If-Modified-Since": moment})


def test_accounts_if_modified_since_filters(api):
    assert len(data(since(api, "Accounts", "2000-01-01T00:00:00"))["Accounts"]) > 10


@pytest.mark.parametrize("path", ["Accounts", "Contacts", "Invoices", "CreditNotes", "Payments"])
def test_nothing_changed_since_is_304_with_an_empty_body(api, path):
    reply = since(api, path, "2999-01-01T00:00:00")
    assert reply.status_code == 304 and reply.content == b""


def test_nothing_changed_since_is_an_empty_list_when_the_switch_is_off(api):
    api.control("POST", "config", {"not_modified_304": False})
    reply = since(api, "Accounts", "2999-01-01T00:00:00")
    assert reply.status_code == 200 and data(reply)["Accounts"] == []


def test_a_change_since_then_is_answered_200(api):
    api.put("Invoices", {"Invoices": [invoice()]}, params={"summarizeErrors": "false"})
    reply = since(api, "Invoices", "2000-01-01T00:00:00")
    assert reply.status_code == 200 and len(data(reply)["Invoices"]) == 1


def test_accounts_where_filter(api):
    reply = api.get("Accounts", where='Status=="ACTIVE" AND Type=="BANK"')
    assert sorted(a["Code"] for a in data(reply)["Accounts"]) == ["090", "091"]


def test_unsupported_where_is_rejected_not_ignored(api):
    assert api.get("Accounts", where='Name.Contains("Bank")').status_code == 400


def test_tax_rates_include_a_deleted_rate(api):
    rates = {r["TaxType"]: r for r in data(api.get("TaxRates"))["TaxRates"]}
    assert rates["OUTPUT"]["EffectiveRate"] == 10
    assert rates["OUTPUT2"]["Status"] == "DELETED"


def test_tax_rates_say_which_account_classes_they_apply_to(api):
    rates = {r["TaxType"]: r for r in data(api.get("TaxRates"))["TaxRates"]}
    assert (rates["OUTPUT"]["CanApplyToRevenue"], rates["OUTPUT"]["CanApplyToExpenses"]) == (
        True,
        False,
    )
    assert rates["INPUT"]["CanApplyToRevenue"] is False
    assert rates["BASEXCLUDED"]["CanApplyToEquity"] is True


def test_tracking_hides_archived_options_unless_asked(api):
    def region_options(reply):
        region = next(c for c in data(reply)["TrackingCategories"] if c["Name"] == "Region")
        return {o["Name"] for o in region["Options"]}

    assert "Perth" not in region_options(api.get("TrackingCategories"))
    assert "Perth" in region_options(api.get("TrackingCategories", includeArchived="true"))


def test_contacts_are_paged(api):
    first = data(api.get("Contacts", page=1))
    second = data(api.get("Contacts", page=2))
    assert first["pagination"] == {"page": 1, "pageSize": 100, "pageCount": 2, "itemCount": 152}
    assert len(first["Contacts"]) == 100 and len(second["Contacts"]) == 52


def test_contacts_page_size_and_search(api):
    assert len(data(api.get("Contacts", page=1, pageSize=1000))["Contacts"]) == 152
    found = data(api.get("Contacts", searchTerm="walk-in"))["Contacts"]
    assert [c["Name"] for c in found] == ["Walk-in Customer"]


def test_contacts_hide_archived_unless_asked(api):
    default = data(api.get("Contacts", searchTerm="former"))["Contacts"]
    archived = data(api.get("Contacts", searchTerm="former", includeArchived="true"))["Contacts"]
    assert default == [] and len(archived) == 3


def test_organisation_is_australian_with_lock_date(api):
    api.control("POST", "config", {"period_lock_date": "2026-01-01"})
    org = data(api.get("Organisation"))["Organisations"][0]
    assert (org["BaseCurrency"], org["CountryCode"]) == ("AUD", "AU")
    assert org["Timezone"] == "AUSEASTERNSTANDARDTIME"
    assert org["PeriodLockDate"] == "/Date(1767225600000+0000)/"


def test_api_responses_carry_rate_limit_headers(api):
    headers = api.get("Accounts").headers
    assert headers["X-MinLimit-Remaining"] == "59"
    assert headers["X-DayLimit-Remaining"] == "4999"
    assert "X-AppMinLimit-Remaining" in headers


def test_unknown_api_path_is_xero_shaped_404(api):
    reply = api.get("Nonsense")
    assert reply.status_code == 404 and data(reply)["Title"] == "Resource Not Found"
