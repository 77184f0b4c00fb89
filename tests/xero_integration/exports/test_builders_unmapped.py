"""A sale that needs a mapping which is not set stops with a message a person can act on."""

import pytest

from mappings.models import SpecialKind
from xero_integration.exports.builders import (
    NO_PAYMENT_ACCOUNT,
    NO_REVENUE_ACCOUNT,
    NO_SPECIAL_ACCOUNT,
    NO_TAX_TYPE,
    UnmappedError,
    build_sale_document,
)

from .sample_sales import context, d, mappings, payment, sale, sale_line, without


def build_error(a_sale, **mapping_overrides) -> str:
    with pytest.raises(UnmappedError) as raised:
        build_sale_document(a_sale, context(mappings=mappings(**mapping_overrides)))
    return str(raised.value)


def test_unmapped_category_without_a_wildcard_is_refused():
    message = build_error(sale(lines=(sale_line(category="merch"),)), revenue={"food": "200"})
    assert message == NO_REVENUE_ACCOUNT.format(category="merch")


def test_unmapped_tax_code_is_refused():
    message = build_error(sale(lines=(sale_line(tax_code="LUX"),)))
    assert message == NO_TAX_TYPE.format(tax_code="LUX")


def test_unmapped_payment_method_is_refused():
    message = build_error(sale(payments=(payment("voucher", "11.00"),)))
    assert message == NO_PAYMENT_ACCOUNT.format(method="voucher")


def test_tips_without_a_tips_account_are_refused():
    special = without(mappings().special, SpecialKind.TIPS)
    message = build_error(sale(tips=d("2.00")), special=special)
    assert message == NO_SPECIAL_ACCOUNT.format(kind="tips")
    assert message == "No tips account is mapped, and a sale carries tips."


def test_missing_tips_account_does_not_matter_without_tips():
    ctx = context(mappings=mappings(special=without(mappings().special, SpecialKind.TIPS)))
    assert build_sale_document(sale(), ctx).total == d("11.00")


def test_gift_card_payment_falls_back_to_the_gift_card_liability_account():
    doc = build_sale_document(sale(payments=(payment("gift_card", "11.00"),)), context())
    assert doc.payments[0]["Account"] == {"Code": "830"}


def test_gift_card_payment_mapping_beats_the_special_account():
    ctx = context(mappings=mappings(payments={"card": "090", "gift_card": "095"}))
    doc = build_sale_document(sale(payments=(payment("gift_card", "11.00"),)), ctx)
    assert doc.payments[0]["Account"] == {"Code": "095"}


def test_gift_card_payment_without_any_gift_card_account_is_refused():
    message = build_error(
        sale(payments=(payment("gift_card", "11.00"),)),
        special=without(mappings().special, SpecialKind.GIFT_CARD),
    )
    assert message == NO_PAYMENT_ACCOUNT.format(method="gift_card")
