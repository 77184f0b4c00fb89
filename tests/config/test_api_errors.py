"""Every error under /api/ answers the one JSON error format, even those Django answers itself:
an unknown endpoint, a body too large, a bad Host header, an error nobody expected."""

import pytest
from django.test import Client

from config.api_errors import BAD_REQUEST, NOT_FOUND, SERVER_ERROR, TOO_LARGE


def test_unknown_api_endpoint_answers_404_in_the_error_format(api):
    response = api.get("/api/xero/nothing-here")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "not_found", "detail": NOT_FOUND}


def test_body_larger_than_the_limit_answers_413_in_the_error_format(api, outlet, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"merchant_id": "M-ALLOWED", "sales": ["' + "x" * 2000 + '"]}'

    response = api.generic("POST", "/api/xero/sales", body, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {
        "error": "too_large",
        "detail": TOO_LARGE.format(size=len(body), limit=1000),
    }


def test_bad_host_header_answers_400_in_the_error_format(api):
    response = api.get("/api/merchants/M-ALLOWED", HTTP_HOST="evil.example.com")

    assert response.status_code == 400
    assert response.json() == {"error": "bad_request", "detail": BAD_REQUEST}


@pytest.mark.urls("tests.config.boom_urls")
def test_unexpected_error_answers_500_in_the_error_format(api_key):
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {api_key}")

    response = client.get("/api/boom")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "server_error", "detail": SERVER_ERROR}


def test_pages_outside_the_api_keep_djangos_own_error_pages(client):
    response = client.get("/admin-nothing-here")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
