"""The POS platform registers where a merchant's alerts go: GET/PUT /api/alerts/settings."""

from operations.models import AlertSettings

URL = "/api/alerts/settings"


def test_a_merchant_without_settings_has_none_yet(api, merchant):
    response = api.get(URL, {"merchant_id": "M-ALLOWED"})

    assert response.status_code == 200
    assert response.json() == {
        "merchant_id": "M-ALLOWED",
        "finance_emails": [],
        "webhook_url": "",
        "webhook_secret": None,
        "updated_at": None,
    }


def test_put_registers_emails_and_a_webhook_and_issues_a_secret(api, merchant):
    body = {
        "merchant_id": "M-ALLOWED",
        "finance_emails": ["accounts@cafe.example", "ACCOUNTS@cafe.example", "boss@cafe.example"],
        "webhook_url": "https://pos.example.com/hooks/xero-bridge",
    }

    response = api.put(URL, body, format="json")

    saved = response.json()
    assert response.status_code == 200
    assert saved["finance_emails"] == ["accounts@cafe.example", "boss@cafe.example"]
    assert saved["webhook_url"] == "https://pos.example.com/hooks/xero-bridge"
    assert saved["webhook_secret"].startswith("whsec_") and len(saved["webhook_secret"]) > 40
    assert api.get(URL, {"merchant_id": "M-ALLOWED"}).json() == saved


def test_put_changes_only_what_is_sent_and_can_rotate_the_secret(api, merchant):
    api.put(URL, {"merchant_id": "M-ALLOWED", "finance_emails": ["a@cafe.example"]}, format="json")
    first = AlertSettings.objects.get().webhook_secret

    response = api.put(URL, {"merchant_id": "M-ALLOWED", "rotate_secret": True}, format="json")

    assert response.json()["finance_emails"] == ["a@cafe.example"]
    assert response.json()["webhook_secret"] != first


def test_a_webhook_url_must_be_https_except_on_this_machine(api, merchant):
    plain = {"merchant_id": "M-ALLOWED", "webhook_url": "http://pos.example.com/hooks"}
    local = {"merchant_id": "M-ALLOWED", "webhook_url": "http://127.0.0.1:9000/hooks"}

    refused = api.put(URL, plain, format="json")

    assert refused.status_code == 400
    assert refused.json()["fields"] == {
        "webhook_url": ["Use an https:// URL (plain http only for localhost)."]
    }
    assert api.put(URL, local, format="json").status_code == 200


def test_bad_emails_are_refused_by_field(api, merchant):
    response = api.put(
        URL, {"merchant_id": "M-ALLOWED", "finance_emails": ["not an email"]}, format="json"
    )

    assert response.status_code == 400 and "finance_emails" in response.json()["fields"]


def test_another_merchant_answers_404_and_no_key_401(api, anonymous_api, other_merchant):
    assert api.get(URL, {"merchant_id": "M-OTHER"}).status_code == 404
    put = api.put(URL, {"merchant_id": "M-OTHER", "finance_emails": []}, format="json")
    assert put.status_code == 404 and not AlertSettings.objects.exists()
    assert anonymous_api.get(URL, {"merchant_id": "M-ALLOWED"}).status_code == 401
