"""The API's one JSON parser and renderer: deep nesting and text with no UTF-8 form."""

import json

from xero_integration.api.json_format import MAX_DEPTH, TOO_DEEP

URL = "/api/xero/sales"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def post_raw(api, body: str):
    return api.generic("POST", URL, body, content_type="application/json")


def test_json_nested_a_thousand_deep_is_a_parse_error(api, outlet):
    response = post_raw(api, '{"merchant_id": "M-ALLOWED", "sales": [' + nested(950) + "]}")

    assert response.status_code == 400
    assert response.json() == {"error": "parse_error", "detail": TOO_DEEP}


def test_json_nested_just_past_the_limit_is_a_parse_error(api, outlet):
    body = '{"merchant_id": "M-ALLOWED", "sales": [' + nested(MAX_DEPTH - 1) + "]}"

    assert post_raw(api, body).json()["detail"] == TOO_DEEP


def test_lone_surrogate_echoed_in_an_answer_is_written_as_its_escape(api, outlet):
    body = json.dumps({"merchant_id": "M-ALLOWED", "sales": [{"id": "S\ud800"}]})

    response = post_raw(api, body)

    assert response.status_code == 200
    assert b"S\\ud800" in response.content
    assert json.loads(response.content)["results"][0]["id"] == "S\ud800"
