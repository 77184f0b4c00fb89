"""Properties over ~300 generated sales: every document balances to the cent, and no float slips in.

The sales come from `random.Random(seed)`, so a failure names a reproducible sale.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest

from xero_integration.exports.builders import (
    build_sale_document,
    build_summary_document,
    document_total,
)

from .sample_sales import context, random_sales

SEEDS = (1, 2, 3)
SALES_PER_SEED = 300
DAY = datetime.date(2026, 11, 23)
AMOUNT_KEYS = {"TaxAmount", "Amount", "LineAmount"}
FOUR_PLACE_KEYS = {"UnitAmount", "Quantity"}


def summaries(sales) -> list:
    """One summary per (currency, sale-or-refund), as the exporter groups a day."""
    groups = defaultdict(list)
    for sale in sales:
        groups[(sale.currency, sale.is_refund)].append(sale)
    return [(group, build_summary_document(group, context(), day=DAY)) for group in groups.values()]


def assert_balanced(doc, sales):
    inclusive = doc.body["LineAmountTypes"] == "Inclusive"
    sales_total = sum(sale.total for sale in sales)
    paid = sum(payment["Amount"] for payment in doc.payments)
    built = document_total(doc.body["LineItems"], inclusive)
    assert built == doc.total == sales_total == paid, doc.number


def numbers(value, key=None):
    """Every (key, number) in a JSON-like tree, whatever its Python type."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from numbers(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from numbers(item, key)
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        yield key, value


def places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # a finite amount, not NaN or Infinity
    return max(0, -exponent)


def assert_no_float(doc):
    for key, value in numbers([doc.body, doc.payments]):
        assert isinstance(value, Decimal), f"{doc.number} {key}={value!r} is {type(value).__name__}"
        if key in AMOUNT_KEYS:
            assert places(value) <= 2, f"{doc.number} {key}={value}"
        if key in FOUR_PLACE_KEYS:
            assert places(value) <= 4, f"{doc.number} {key}={value}"


@pytest.mark.parametrize("seed", SEEDS)
def test_every_generated_sale_document_balances_to_the_cent(seed):
    for sale in random_sales(seed, SALES_PER_SEED):
        assert_balanced(build_sale_document(sale, context()), [sale])


@pytest.mark.parametrize("seed", SEEDS)
def test_every_generated_summary_balances_to_the_cent(seed):
    for sales, doc in summaries(random_sales(seed, SALES_PER_SEED)):
        assert_balanced(doc, sales)


@pytest.mark.parametrize("seed", SEEDS)
def test_summary_total_equals_the_sum_of_per_sale_totals(seed):
    for sales, doc in summaries(random_sales(seed, SALES_PER_SEED)):
        assert doc.total == sum(build_sale_document(sale, context()).total for sale in sales)


def test_generated_sales_cover_the_awkward_cases():
    sales = random_sales(SEEDS[0], SALES_PER_SEED)
    lines = [line for sale in sales for line in sale.lines]
    assert any(places(line.quantity) == 4 for line in lines)
    assert any(places(line.unit_price) == 4 for line in lines)
    assert any(line.discount for line in lines)
    assert any(sale.is_refund for sale in sales) and any(sale.rounding < 0 for sale in sales)
    assert {sale.amounts_include_tax for sale in sales} == {True, False}
    assert any(len(sale.payments) == 3 for sale in sales)


def test_sale_documents_hold_no_float_and_amounts_have_at_most_two_places():
    for sale in random_sales(SEEDS[0], SALES_PER_SEED):
        assert_no_float(build_sale_document(sale, context()))


def test_summary_documents_hold_no_float_and_amounts_have_at_most_two_places():
    for _, doc in summaries(random_sales(SEEDS[0], SALES_PER_SEED)):
        assert_no_float(doc)


def test_the_no_float_walk_catches_a_float():
    doc = build_summary_document(random_sales(SEEDS[0], 1), context(), day=DAY)
    doc.payments[0]["Amount"] = float(doc.payments[0]["Amount"])
    with pytest.raises(AssertionError, match="is float"):
        assert_no_float(doc)
