"""Sales a hostile or careless POS may send: each is refused with a reason, never a 500,
and the valid sales beside it are still stored."""

import json

import pytest

from config.text import CONTROL_CHARACTERS
from xero_integration.models import Sale
from xero_integration.sales.validation import (
    BAD_CURRENCY,
    BAD_DECIMAL,
    LINE_TOO_LARGE,
    NOT_MONEY,
    TOTAL_TOO_LARGE,
)

from .test_ingest import URL, a_sale, post, result

BIGGEST = "999999999999.99"


def big_sale(sale_id="BIG", lines=2):
    """A sale whose every amount fits the database, but whose total does not."""
    sale = a_sale(id=sale_id, tips="0.00", rounding="0.00")
    sale["lines"] = [
        {**sale["lines"][0], "quantity": "1", "unit_price": BIGGEST, "tax_amount": "0.00"}
        for _ in range(lines)
    ]
    sale["payments"] = [{"method": "card", "amount": BIGGEST} for _ in range(lines)]
    return sale


def test_sale_whose_total_does_not_fit_the_database_is_rejected_with_the_limit(api, outlet):
    response = post(api, big_sale())

    assert response.status_code == 200
    assert result(response)["errors"] == {
        "lines": [TOTAL_TOO_LARGE.format(total="1999999999999.98", limit=BIGGEST)]
    }


def test_valid_sales_beside_a_total_too_large_are_stored(api, outlet):
    response = post(api, a_sale(), big_sale())

    assert [r["status"] for r in response.json()["results"]] == ["accepted", "rejected"]
    assert list(Sale.objects.values_list("sale_id", flat=True)) == ["S1-000123"]


def test_largest_total_the_database_holds_is_accepted_and_read_back(api, outlet):
    response = post(api, big_sale(lines=1))

    assert result(response)["status"] == "accepted"
    assert str(Sale.objects.get().total) == BIGGEST


def test_line_whose_amount_does_not_fit_is_rejected_even_when_the_sale_balances(api, outlet):
    sale = a_sale(tips="0.00", rounding="0.00", payments=[{"method": "card", "amount": "1.00"}])
    line = {**sale["lines"][0], "tax_amount": "0.00", "unit_price": "1000000000"}
    sale["lines"] = [
        {**line, "quantity": "2000"},
        {**line, "quantity": "-1999.9999", "unit_price": "1000000000.0000"},
        {**line, "quantity": "-1", "unit_price": "99999.00"},
    ]

    errors = result(post(api, sale))["errors"]

    assert errors == {
        "lines[0]": [LINE_TOO_LARGE.format(amount="2000000000000.00", limit=BIGGEST)],
        "lines[1]": [LINE_TOO_LARGE.format(amount="-1999999900000.00", limit=BIGGEST)],
    }


CLEAN_SALE_FIELDS = [
    ("id", lambda s, v: s.update(id=v)),
    ("pos_station_id", lambda s, v: s.update(pos_station_id=v)),
    ("refund_of", lambda s, v: s.update(type="refund", refund_of=v)),
    ("lines[0].category", lambda s, v: s["lines"][0].update(category=v)),
    ("lines[0].description", lambda s, v: s["lines"][0].update(description=v)),
    ("lines[0].tax_code", lambda s, v: s["lines"][0].update(tax_code=v)),
    ("payments[0].method", lambda s, v: s["payments"][0].update(method=v)),
]


@pytest.mark.parametrize("field,put", CLEAN_SALE_FIELDS, ids=[f for f, _ in CLEAN_SALE_FIELDS])
@pytest.mark.parametrize(
    "character", ["\x00", "\x1b", "\ud800"], ids=["nul", "escape", "surrogate"]
)
def test_control_character_in_a_text_field_rejects_that_sale_only(
    api, outlet, field, put, character
):
    bad = a_sale(id="BAD")
    put(bad, f"S1{character}")
    # As a POS sends it: JSON escapes (\u0000, \ud800), which the API's parser decodes.
    body = json.dumps({"merchant_id": "M-ALLOWED", "sales": [a_sale(), bad]})

    response = api.generic("POST", URL, body, content_type="application/json")

    assert response.status_code == 200
    assert result(response, 1)["status"] == "rejected"
    assert CONTROL_CHARACTERS in result(response, 1)["errors"][field]
    assert list(Sale.objects.values_list("sale_id", flat=True)) == ["S1-000123"]


def test_description_may_run_over_several_lines(api, outlet):
    sale = a_sale()
    sale["lines"][0]["description"] = "Flat white\nextra shot\tno sugar"

    assert result(post(api, sale))["status"] == "accepted"


@pytest.mark.parametrize(
    "digits", ["٤.٥٠", "４.５０", "4.5٠"], ids=["arabic-indic", "full-width", "mixed"]
)
def test_amounts_in_other_scripts_digits_are_rejected(api, outlet, digits):
    sale = a_sale()
    sale["lines"][0]["unit_price"] = digits

    assert result(post(api, sale))["errors"] == {
        "lines[0].unit_price": [BAD_DECIMAL.format(value=digits)]
    }


def test_negative_zero_and_zero_are_the_same_sale(api, outlet):
    post(api, a_sale(surcharge="-0.00"))

    response = post(api, a_sale(surcharge="0.00"))

    assert result(response)["status"] == "duplicate"
    assert Sale.objects.get().payload["surcharge"] == "0.00"


def test_lower_case_currency_is_stored_as_its_code(api, outlet):
    response = post(api, a_sale(currency="aud"))

    assert result(response)["status"] == "accepted"
    sale = Sale.objects.get()
    assert (sale.currency, sale.payload["currency"]) == ("AUD", "AUD")


@pytest.mark.parametrize("code", ["XXX", "XTS", "XAU", "XDR", "USN"])
def test_iso_codes_that_are_not_money_are_rejected(api, outlet, code):
    assert result(post(api, a_sale(currency=code)))["errors"] == {
        "currency": [NOT_MONEY.format(value=code)]
    }


def test_unknown_currency_is_still_named_in_the_answer(api, outlet):
    assert result(post(api, a_sale(currency="ZZZ")))["errors"] == {
        "currency": [BAD_CURRENCY.format(value="ZZZ")]
    }
