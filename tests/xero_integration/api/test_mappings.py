import pytest

from mappings.models import Mapping
from tests.factories import MappingFactory

URL = "/api/xero/mappings/{type}"


def put(api, mapping_type, mappings, **scope):
    body = {"merchant_id": "M-ALLOWED", **scope, "mappings": mappings}
    return api.put(URL.format(type=mapping_type), body, format="json")


def reason_of(response, index=0):
    return response.json()["fields"]["mappings"][index]["reason"]


VALID_ITEMS = {
    "revenue": [
        {"category": "*", "account_code": "200"},
        {"category": "coffee", "account_code": "210"},
    ],
    "payments": [
        {"method": "card", "account_code": "615"},
        {"method": "cash", "account_code": "090"},
    ],
    "tax": [{"tax_code": "GST10", "tax_type": "OUTPUT"}],
    "tracking": [{"tracking_category": "Region", "option": "Sydney"}],
    "special": [
        {"kind": "rounding", "account_code": "860"},
        {"kind": "gift_card", "account_code": "835"},
        {"kind": "contact", "contact_name": "POS Sales"},
    ],
}


@pytest.mark.parametrize("mapping_type", sorted(VALID_ITEMS))
def test_valid_mappings_are_saved_and_read_back(api, connection, mapping_type):
    response = put(api, mapping_type, VALID_ITEMS[mapping_type])

    assert response.status_code == 200, response.json()
    read = api.get(URL.format(type=mapping_type), {"merchant_id": "M-ALLOWED"}).json()
    assert sorted(map(str, read["mappings"])) == sorted(map(str, VALID_ITEMS[mapping_type]))


def test_put_replaces_the_type_at_that_scope(api, connection):
    put(api, "revenue", VALID_ITEMS["revenue"])

    put(api, "revenue", [{"category": "*", "account_code": "210"}])

    assert list(Mapping.objects.values_list("pos_value", "xero_value")) == [("*", "210")]


def test_one_bad_item_saves_nothing(api, connection):
    MappingFactory.create(merchant=connection.merchant, pos_value="*", xero_value="200")

    response = put(
        api,
        "revenue",
        [{"category": "*", "account_code": "210"}, {"category": "tea", "account_code": "999"}],
    )

    assert response.status_code == 400
    assert response.json()["fields"]["mappings"][0]["index"] == 1
    assert list(Mapping.objects.values_list("xero_value", flat=True)) == ["200"]


def test_unknown_account_is_rejected(api, connection):
    response = put(api, "revenue", [{"category": "*", "account_code": "999"}])

    assert reason_of(response) == "Account code '999' does not exist in Xero."


def test_archived_account_is_rejected(api, connection):
    response = put(api, "revenue", [{"category": "*", "account_code": "250"}])

    assert reason_of(response) == "Account '250' (Old Sales) is ARCHIVED in Xero."


def test_bank_account_is_rejected_for_revenue(api, connection):
    response = put(api, "revenue", [{"category": "*", "account_code": "090"}])

    assert "is a bank account" in reason_of(response)


def test_system_account_is_rejected_for_revenue(api, connection):
    response = put(api, "revenue", [{"category": "*", "account_code": "610"}])

    assert reason_of(response) == (
        "Account '610' (Accounts Receivable) is Xero's DEBTORS system account and cannot take sales."
    )


def test_payment_account_must_accept_payments(api, connection):
    response = put(api, "payments", [{"method": "card", "account_code": "200"}])

    assert "cannot receive payments" in reason_of(response)


def test_payment_enabled_account_is_accepted_for_payments(api, connection):
    assert put(api, "payments", [{"method": "card", "account_code": "615"}]).status_code == 200


def test_unknown_tax_type_is_rejected(api, connection):
    response = put(api, "tax", [{"tax_code": "GST10", "tax_type": "NOPE"}])

    assert reason_of(response) == "Tax type 'NOPE' does not exist in Xero."


def test_deleted_tax_type_is_rejected(api, connection):
    response = put(api, "tax", [{"tax_code": "GST10", "tax_type": "OUTPUT2"}])

    assert reason_of(response) == "Tax rate 'OUTPUT2' (Old GST) is DELETED in Xero."


def test_unknown_tracking_option_is_rejected(api, connection):
    response = put(api, "tracking", [{"tracking_category": "Region", "option": "Hobart"}])

    assert reason_of(response) == "Tracking category 'Region' has no option 'Hobart' in Xero."


def test_archived_tracking_option_is_rejected(api, connection):
    response = put(api, "tracking", [{"tracking_category": "Region", "option": "Perth"}])

    assert reason_of(response) == "Tracking option 'Perth' of 'Region' is ARCHIVED in Xero."


def test_unknown_tracking_category_is_rejected(api, connection):
    response = put(api, "tracking", [{"tracking_category": "Colour", "option": "Red"}])

    assert reason_of(response) == "Tracking category 'Colour' does not exist in Xero."


def test_archived_tracking_category_is_rejected(api, connection):
    response = put(api, "tracking", [{"tracking_category": "Legacy", "option": "Sydney"}])

    assert reason_of(response) == "Tracking category 'Legacy' is ARCHIVED in Xero."


def test_more_than_two_tracking_categories_are_rejected(api, connection, outlet):
    MappingFactory.create(
        merchant=connection.merchant, type="tracking", pos_value="Legacy", xero_value="x"
    )

    response = put(
        api,
        "tracking",
        [
            {"tracking_category": "Region", "option": "Sydney"},
            {"tracking_category": "Channel", "option": "Sydney"},
        ],
        pos_station_id="S1",
    )

    assert reason_of(response) == "Xero allows at most two tracking categories on a line."


def test_unknown_contact_is_rejected(api, connection):
    response = put(api, "special", [{"kind": "contact", "contact_name": "Nobody"}])

    assert reason_of(response).startswith("No contact named 'Nobody' in Xero")


def test_archived_contact_is_rejected(api, connection):
    response = put(api, "special", [{"kind": "contact", "contact_name": "Gone Customer"}])

    assert reason_of(response) == "Contact 'Gone Customer' is ARCHIVED in Xero."


def test_rounding_may_use_xeros_rounding_account(api, connection):
    assert put(api, "special", [{"kind": "rounding", "account_code": "860"}]).status_code == 200


def test_unknown_special_kind_is_rejected(api, connection):
    response = put(api, "special", [{"kind": "loyalty", "account_code": "200"}])

    assert reason_of(response).startswith("'loyalty' is not a special kind")


def test_item_with_wrong_keys_is_rejected(api, connection):
    response = put(api, "revenue", [{"category": "*", "account": "200"}])

    assert reason_of(response) == "Expected the keys account_code, category."


def test_item_that_is_not_an_object_is_rejected(api, connection):
    assert reason_of(put(api, "revenue", ["200"])) == "Each mapping must be a JSON object."


def test_non_string_value_is_rejected(api, connection):
    response = put(api, "revenue", [{"category": "*", "account_code": 200}])

    assert (
        reason_of(response)
        == "'account_code' must be a non-empty string of at most 255 characters."
    )


def test_duplicate_key_is_rejected(api, connection):
    response = put(
        api,
        "revenue",
        [{"category": "*", "account_code": "200"}, {"category": "*", "account_code": "210"}],
    )

    assert reason_of(response) == "'*' is mapped more than once."


def test_missing_mappings_list_is_rejected(api, connection):
    response = api.put(URL.format(type="revenue"), {"merchant_id": "M-ALLOWED"}, format="json")

    assert response.status_code == 400
    assert "mappings" in response.json()["fields"]


def test_malformed_json_is_rejected(api, connection):
    response = api.generic(
        "PUT", URL.format(type="revenue"), "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"] == "parse_error"


def test_unknown_mapping_type_is_404_with_reason(api, connection):
    response = api.get(URL.format(type="colours"), {"merchant_id": "M-ALLOWED"})

    assert response.status_code == 404
    assert response.json()["detail"].startswith("Unknown mapping type 'colours'")


def test_unknown_merchant_is_404(api, connection):
    response = put(api, "revenue", VALID_ITEMS["revenue"], merchant_id="M-NOPE")

    assert response.status_code == 404


def test_another_merchants_mappings_are_404(api, connection, other_merchant):
    response = api.get(URL.format(type="revenue"), {"merchant_id": "M-OTHER"})

    assert response.status_code == 404


def test_mappings_without_a_connection_are_refused(api, merchant):
    response = put(api, "revenue", VALID_ITEMS["revenue"])

    assert response.status_code == 409
    assert "has no Xero connection" in response.json()["detail"]


def test_outlet_override_is_saved_at_outlet_scope(api, connection, outlet):
    put(api, "revenue", [{"category": "*", "account_code": "200"}])

    put(api, "revenue", [{"category": "*", "account_code": "210"}], pos_station_id="S1")

    body = api.get(
        URL.format(type="revenue"), {"merchant_id": "M-ALLOWED", "pos_station_id": "S1"}
    ).json()
    assert body["mappings"] == [{"category": "*", "account_code": "210"}]
    assert body["effective"] == [{"category": "*", "account_code": "210"}]
    assert Mapping.objects.get(outlet__isnull=True).xero_value == "200"


def test_effective_result_merges_merchant_defaults(api, connection, outlet):
    put(api, "revenue", VALID_ITEMS["revenue"])
    put(api, "revenue", [{"category": "coffee", "account_code": "200"}], pos_station_id="S1")

    body = api.get(
        URL.format(type="revenue"), {"merchant_id": "M-ALLOWED", "pos_station_id": "S1"}
    ).json()

    assert body["effective"] == [
        {"category": "*", "account_code": "200"},
        {"category": "coffee", "account_code": "200"},
    ]


def test_unknown_outlet_is_404(api, connection):
    response = api.get(
        URL.format(type="revenue"), {"merchant_id": "M-ALLOWED", "pos_station_id": "S9"}
    )

    assert response.status_code == 404
