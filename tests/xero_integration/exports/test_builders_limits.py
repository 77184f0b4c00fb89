"""A document that cannot be stored is refused by the builder, alone and with a reason.

Each sale fits the database (the validator sees to that), but a day of them may not:
two sales of 999,999,999,999.00 make a summary of 1,999,999,999,998.00, more than
ExportDocument.total holds.
"""

import datetime

import pytest

from xero_integration.exports.builders import (
    DOCUMENT_TOO_LARGE,
    LINE_TOO_LARGE,
    DocumentTooLarge,
    build_sale_document,
    build_summary_document,
)
from xero_integration.sales.limits import MAX_AMOUNT

from .sample_sales import context, d, sale, sale_line

DAY = datetime.date(2026, 11, 23)
BIG = d("999999999999.00")


def big_sale(sale_id, **extra):
    return sale(sale_id=sale_id, lines=(sale_line(unit_price=BIG, tax_amount=d("0.00")),), **extra)


def test_summary_whose_total_does_not_fit_is_refused_with_the_limit():
    with pytest.raises(DocumentTooLarge) as refused:
        build_summary_document([big_sale("1"), big_sale("2")], context(), day=DAY)

    assert refused.value.detail == DOCUMENT_TOO_LARGE.format(
        number="SYD-20261123-AUD", total="1999999999998.00", limit=MAX_AMOUNT
    )


def test_summary_line_that_does_not_fit_is_refused_even_when_the_total_does():
    discounted = sale_line(unit_price=BIG, discount=d("999999999000.00"), tax_amount=d("0.00"))
    day = [sale(sale_id="1", lines=(discounted,)), sale(sale_id="2", lines=(discounted,))]

    with pytest.raises(DocumentTooLarge) as refused:
        build_summary_document(day, context(), day=DAY)

    assert refused.value.detail == LINE_TOO_LARGE.format(
        number="SYD-20261123-AUD",
        description="Sales: food (OUTPUT)",
        amount="1999999999998.00",
        limit=MAX_AMOUNT,
    )


def test_summary_of_the_largest_total_is_built():
    cents = sale(sale_id="2", lines=(sale_line(unit_price=d("0.99"), tax_amount=d("0.00")),))

    assert build_summary_document([big_sale("1"), cents], context(), day=DAY).total == MAX_AMOUNT


def test_largest_sale_makes_a_document():
    assert build_sale_document(big_sale("1"), context()).total == BIG
