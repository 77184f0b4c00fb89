"""The on-account mapping and the later-payment endpoint's answers to bad input."""

URL = "/api/xero/sales/{sale_id}/payments"


def test_a_payment_method_may_be_mapped_on_account(api, connection):
    body = {
        "merchant_id": "M-ALLOWED",
        "mappings": [
            {"method": "card", "account_code": "090"},
            {"method": "account", "account_code": "ON_ACCOUNT"},
        ],
    }

    response = api.put("/api/xero/mappings/payments", body, format="json")

    assert response.status_code == 200, response.json()


def test_an_unknown_sale_is_404(api, outlet):
    body = {"merchant_id": "M-ALLOWED", "payment_id": "P1", "method": "card", "amount": "1.00"}

    response = api.post(URL.format(sale_id="NOPE"), body, format="json")

    assert (response.status_code, response.json()["error"]) == (404, "not_found")


def test_a_sale_id_no_sale_can_have_is_404(api, outlet):
    body = {"merchant_id": "M-ALLOWED", "payment_id": "P1", "method": "card", "amount": "1.00"}

    response = api.post(URL.format(sale_id="bad%00id"), body, format="json")

    assert response.status_code == 404


def test_each_bad_field_is_named(api, outlet):
    body = {"merchant_id": "M-ALLOWED", "payment_id": "P 1", "amount": "-1.00", "paid_at": "x"}

    response = api.post(URL.format(sale_id="A1"), body, format="json")

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"payment_id", "method", "amount", "paid_at"}
