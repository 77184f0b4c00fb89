from django.db import connection

from outlets.authentication import ApiKeyRateThrottle
from outlets.models import ApiClient
from outlets.services import create_api_client, revoke_api_client


def test_key_reads_its_own_merchant(api, outlet):
    response = api.get("/api/merchants/M-ALLOWED")

    assert response.status_code == 200
    assert response.json()["outlets"][0]["pos_station_id"] == "S1"


def test_key_gets_404_for_another_merchant(api, other_outlet):
    response = api.get("/api/merchants/M-OTHER")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_other_merchant_and_unknown_merchant_answer_alike(api, other_merchant):
    other = api.get("/api/merchants/M-OTHER").json()
    unknown = api.get("/api/merchants/M-NOPE").json()

    assert other["error"] == unknown["error"] == "not_found"


def test_all_merchants_key_reads_any_merchant(anonymous_api, merchant, other_merchant):
    key = create_api_client(name="Platform", all_merchants=True).key
    anonymous_api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

    assert anonymous_api.get("/api/merchants/M-OTHER").status_code == 200


def test_missing_key_gets_401_with_json_body(anonymous_api, merchant):
    response = anonymous_api.get("/api/merchants/M-ALLOWED")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "not_authenticated"


def test_wrong_key_gets_401(anonymous_api, merchant):
    anonymous_api.credentials(HTTP_AUTHORIZATION="Bearer xb_not-a-real-key")

    response = anonymous_api.get("/api/merchants/M-ALLOWED")

    assert response.status_code == 401
    assert response.json()["detail"] == "Unknown or revoked API key."


def test_wrong_scheme_gets_401(anonymous_api, api_key):
    anonymous_api.credentials(HTTP_AUTHORIZATION=f"Token {api_key}")

    assert anonymous_api.get("/api/merchants/M-ALLOWED").status_code == 401


def test_revoked_key_stops_working_at_once(api, api_key):
    assert api.get("/api/merchants/M-ALLOWED").status_code == 200

    revoke_api_client(client=ApiClient.objects.get())

    assert api.get("/api/merchants/M-ALLOWED").status_code == 401


def test_inactive_key_is_refused(api):
    ApiClient.objects.update(is_active=False)

    assert api.get("/api/merchants/M-ALLOWED").status_code == 401


def test_clear_key_is_not_stored(api_key):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM outlets_apiclient")
        rows = cursor.fetchall()

    assert rows
    assert api_key not in repr(rows)
    assert ApiClient.objects.get().key_prefix == api_key[:9]


def test_use_records_last_used_time(api):
    api.get("/api/merchants/M-ALLOWED")

    assert ApiClient.objects.get().last_used_at is not None


def test_requests_are_throttled_per_key(api, monkeypatch):
    monkeypatch.setattr(ApiKeyRateThrottle, "THROTTLE_RATES", {"api_key": "2/minute"})

    codes = [api.get("/api/merchants/M-ALLOWED").status_code for _ in range(3)]

    assert codes == [200, 200, 429]
