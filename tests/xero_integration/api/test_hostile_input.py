"""Control characters and oversized values in the API's inputs: a 4xx naming the field, never
a 500 (PostgreSQL refuses a NUL in a query, and a URL longer than its column)."""

import json

import pytest

from config.text import CONTROL_CHARACTERS
from mappings.models import Mapping
from mappings.services import CONTROL_CHARACTERS_IN
from xero_integration.models import OAuthState

STATION_ENDPOINTS = [
    "/api/xero/status",
    "/api/xero/logs",
    "/api/xero/mappings/revenue",
    "/api/xero/reference-data/accounts",
]
QUERY_PARAMETERS = [("merchant_id", url) for url in ["/api/xero/connect", *STATION_ENDPOINTS]] + [
    ("pos_station_id", url) for url in STATION_ENDPOINTS
]


@pytest.mark.parametrize("character", ["\x00", "\x1b"], ids=["nul", "escape"])
def test_merchant_id_with_a_control_character_in_the_path_is_not_found(api, merchant, character):
    response = api.get(f"/api/merchants/M-ALLOWED{character}")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


@pytest.mark.parametrize("field,url", QUERY_PARAMETERS)
def test_control_character_in_a_query_parameter_is_refused_naming_it(
    api, outlet, connection, field, url
):
    params = {"merchant_id": "M-ALLOWED", "pos_station_id": "S1", field: "S1\x1b"}

    response = api.get(url, params)

    assert response.status_code == 400
    assert response.json()["fields"][field] == [CONTROL_CHARACTERS]


@pytest.mark.parametrize("search", ["\x00", "pos\x1b"], ids=["nul", "escape"])
def test_reference_data_search_with_a_control_character_is_refused(api, connection, search):
    response = api.get(
        "/api/xero/reference-data/contacts", {"merchant_id": "M-ALLOWED", "search": search}
    )

    assert response.status_code == 400
    assert response.json()["fields"]["search"] == [CONTROL_CHARACTERS]


@pytest.mark.parametrize("key", ["category", "account_code"])
def test_mapping_value_with_a_nul_is_refused_and_nothing_is_saved(api, connection, key):
    item = {"category": "coffee", "account_code": "200", key: "20\u0000"}
    body = json.dumps({"merchant_id": "M-ALLOWED", "mappings": [item]})

    response = api.generic(
        "PUT", "/api/xero/mappings/revenue", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["fields"]["mappings"][0]["reason"] == CONTROL_CHARACTERS_IN.format(
        key=key
    )
    assert not Mapping.objects.exists()


def test_return_url_longer_than_can_be_stored_is_refused_naming_it(api, merchant):
    long_url = "http://localhost/" + "x" * 2000

    response = api.get("/api/xero/connect", {"merchant_id": "M-ALLOWED", "return_url": long_url})

    assert response.status_code == 400
    assert "return_url" in response.json()["fields"]
    assert not OAuthState.objects.exists()
