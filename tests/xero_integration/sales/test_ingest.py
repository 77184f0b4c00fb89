import copy
import datetime

import pytest
from django.utils import timezone

from xero_integration.models import Sale

URL = "/api/xero/sales"
AN_HOUR_AGO = (timezone.now() - datetime.timedelta(hours=1)).isoformat()


def a_sale(**changes):
    sale = {
        "id": "S1-000123",
        "pos_station_id": "S1",
        "type": "sale",
        "occurred_at": AN_HOUR_AGO,
        "currency": "AUD",
        "amounts_include_tax": True,
        "lines": [
            {
                "category": "coffee",
                "description": "Flat white",
                "quantity": "2",
                "unit_price": "4.50",
                "discount": "0.00",
                "tax_code": "GST10",
                "tax_amount": "0.82",
            }
        ],
        "tips": "1.00",
        "surcharge": "0.00",
        "rounding": "-0.02",
        "payments": [{"method": "card", "amount": "9.98"}],
        "refund_of": None,
    }
    sale.update(changes)
    return sale


def post(api, *sales, merchant_id="M-ALLOWED"):
    return api.post(URL, {"merchant_id": merchant_id, "sales": list(sales)}, format="json")


def result(response, index=0):
    return response.json()["results"][index]


def test_valid_sale_is_accepted_and_stored(api, outlet):
    response = post(api, a_sale())

    assert response.status_code == 200
    assert result(response) == {"id": "S1-000123", "status": "accepted", "errors": {}}
    sale = Sale.objects.get()
    assert str(sale.total) == "9.98"
    assert sale.payload["lines"][0]["unit_price"] == "4.50"


def test_same_sale_again_is_a_duplicate(api, outlet):
    post(api, a_sale())

    response = post(api, a_sale(lines=[{**a_sale()["lines"][0], "unit_price": "4.5000"}]))

    assert result(response)["status"] == "duplicate"
    assert Sale.objects.count() == 1


def test_same_id_with_other_content_is_a_conflict_and_changes_nothing(api, outlet):
    post(api, a_sale())

    response = post(api, a_sale(tips="2.00", payments=[{"method": "card", "amount": "10.98"}]))

    assert result(response)["status"] == "conflict"
    assert str(Sale.objects.get().total) == "9.98"


def test_duplicate_within_one_request(api, outlet):
    response = post(api, a_sale(), a_sale())

    assert [r["status"] for r in response.json()["results"]] == ["accepted", "duplicate"]


def test_unbalanced_sale_is_rejected_with_the_sums(api, outlet):
    response = post(api, a_sale(payments=[{"method": "card", "amount": "10.00"}]))

    assert result(response)["status"] == "rejected"
    assert result(response)["errors"]["payments"] == [
        "The sale does not balance: lines 9.00 + tips 1.00 + surcharge 0.00 + rounding -0.02 = 9.98, "
        "but payments add up to 10.00."
    ]


def test_exclusive_amounts_add_tax_to_balance(api, outlet):
    sale = a_sale(
        amounts_include_tax=False,
        tips="0.00",
        rounding="0.00",
        payments=[{"method": "card", "amount": "9.82"}],
    )

    assert result(post(api, sale))["status"] == "accepted"


def test_valid_sales_in_the_same_request_are_still_accepted(api, outlet):
    response = post(api, a_sale(), a_sale(id="S1-2", pos_station_id="S9"))

    assert [r["status"] for r in response.json()["results"]] == ["accepted", "rejected"]
    assert result(response, 1)["errors"] == {
        "pos_station_id": ["Unknown outlet 'S9' for merchant 'M-ALLOWED'."]
    }
    assert Sale.objects.count() == 1


def test_float_amount_is_rejected(api, outlet):
    sale = a_sale()
    sale["lines"][0]["unit_price"] = 4.5

    errors = result(post(api, sale))["errors"]

    assert errors == {
        "lines[0].unit_price": ['Must be a decimal string such as "4.50", not a number.']
    }


def test_more_than_two_decimal_places_on_an_amount_is_rejected(api, outlet):
    errors = result(post(api, a_sale(tips="1.001")))["errors"]

    assert errors == {"tips": ["At most 2 decimal places."]}


def test_unit_price_may_have_four_decimal_places(api, outlet):
    sale = a_sale(tips="0.00", rounding="0.00", payments=[{"method": "card", "amount": "2.47"}])
    sale["lines"][0].update(quantity="3", unit_price="0.8233")

    assert result(post(api, sale))["status"] == "accepted"


def test_unknown_currency_is_rejected(api, outlet):
    assert result(post(api, a_sale(currency="XYZ")))["errors"] == {
        "currency": ["'XYZ' is not an ISO 4217 currency code."]
    }


def test_negative_total_is_rejected_and_told_to_be_a_refund(api, outlet):
    sale = a_sale(tips="0.00", rounding="0.00", payments=[])
    sale["lines"][0].update(quantity="-2")

    errors = result(post(api, sale))["errors"]

    assert errors["lines"] == [
        "The total is -9.00: send a negative total as a refund (type 'refund', positive amounts)."
    ]


def test_exchange_with_a_negative_line_is_accepted(api, outlet):
    sale = a_sale(tips="0.00", rounding="0.00", payments=[{"method": "card", "amount": "4.50"}])
    returned = {**sale["lines"][0], "quantity": "-1", "tax_amount": "-0.41"}
    sale["lines"].append(returned)

    assert result(post(api, sale))["status"] == "accepted"


def test_refund_of_a_known_sale_is_accepted_and_linked(api, outlet):
    post(api, a_sale())

    response = post(api, a_sale(id="R1", type="refund", refund_of="S1-000123"))

    assert result(response)["status"] == "accepted"
    refunded = Sale.objects.get(sale_id="R1").refund_of
    assert refunded is not None and refunded.sale_id == "S1-000123"


def test_refund_of_a_sale_in_the_same_request_is_accepted(api, outlet):
    response = post(api, a_sale(), a_sale(id="R1", type="refund", refund_of="S1-000123"))

    assert [r["status"] for r in response.json()["results"]] == ["accepted", "accepted"]


def test_refund_of_an_unknown_sale_is_rejected(api, outlet):
    response = post(api, a_sale(id="R1", type="refund", refund_of="NOPE"))

    assert result(response)["errors"] == {"refund_of": ["Refund of unknown sale 'NOPE'."]}


def test_sale_naming_refund_of_is_rejected(api, outlet):
    assert "refund_of" in result(post(api, a_sale(refund_of="X")))["errors"]


@pytest.mark.parametrize("value", ["yesterday", "2026-11-23T10:15:00"])
def test_bad_or_naive_dates_are_rejected(api, outlet, value):
    assert "occurred_at" in result(post(api, a_sale(occurred_at=value)))["errors"]


def test_future_sale_is_rejected(api, outlet):
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()

    assert result(post(api, a_sale(occurred_at=future)))["errors"] == {
        "occurred_at": ["Is in the future."]
    }


def test_missing_fields_are_named(api, outlet):
    sale = a_sale()
    del sale["currency"]
    del sale["lines"][0]["tax_code"]

    errors = result(post(api, sale))["errors"]

    assert errors == {
        "currency": ["This field is required."],
        "lines[0].tax_code": ["This field is required."],
    }


def test_sale_that_is_not_an_object_is_rejected(api, outlet):
    assert result(post(api, "not a sale"))["status"] == "rejected"


def test_more_than_500_sales_are_refused(api, outlet):
    response = post(api, *[a_sale(id=f"S{n}") for n in range(501)])

    assert response.status_code == 400
    assert response.json()["fields"]["sales"] == ["At most 500 sales per request."]
    assert Sale.objects.count() == 0


def test_malformed_json_is_refused(api, outlet):
    response = api.generic(
        "POST", URL, '{"merchant_id": "M-ALLOWED", "sales": [', content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"] == "parse_error"


def test_another_merchants_sales_are_404(api, other_outlet):
    assert post(api, a_sale(), merchant_id="M-OTHER").status_code == 404


def test_business_date_uses_outlet_timezone(api, outlet):
    sydney_evening = "2026-11-23T23:30:00+11:00"
    with_time = a_sale(id="late", occurred_at=sydney_evening)
    after_midnight = a_sale(id="early", occurred_at="2026-11-24T00:30:00+11:00")
    post(api, copy.deepcopy(with_time), after_midnight)

    dates = dict(Sale.objects.values_list("sale_id", "business_date"))

    assert dates == {"late": datetime.date(2026, 11, 23), "early": datetime.date(2026, 11, 24)}


@pytest.mark.parametrize("value", ["1E+27", "1_0", "NaN", "Infinity", "1234567890123.00", " "])
def test_odd_decimals_are_rejected_not_crashed_on(api, outlet, value):
    sale = a_sale()
    sale["lines"][0]["quantity"] = value

    response = post(api, sale)

    assert response.status_code == 200
    assert "lines[0].quantity" in result(response)["errors"]


@pytest.mark.parametrize("sale_id", ['S"1', "S,1", "S 1", "-S1", "x" * 101])
def test_sale_ids_that_cannot_be_document_numbers_are_rejected(api, outlet, sale_id):
    assert "id" in result(post(api, a_sale(id=sale_id)))["errors"]


def test_same_moment_with_another_utc_offset_is_a_duplicate(api, outlet):
    post(api, a_sale(occurred_at="2026-11-23T10:15:00+11:00"))

    response = post(api, a_sale(occurred_at="2026-11-22T23:15:00+00:00"))

    assert result(response)["status"] == "duplicate"


def test_sale_ids_differing_only_in_case_are_two_sales(api, outlet):
    # On every backend: MariaDB compares them byte for byte only with a binary collation.
    response = post(api, a_sale(id="S1-abc"), a_sale(id="S1-ABC"))

    assert [r["status"] for r in response.json()["results"]] == ["accepted", "accepted"]
    assert sorted(Sale.objects.values_list("sale_id", flat=True)) == ["S1-ABC", "S1-abc"]
    assert Sale.objects.filter(sale_id="S1-abc").count() == 1
