"""Per-sale lines: extras, discounts, tracking, category fallback and Xero's tax rounding."""

from decimal import Decimal

from mappings.models import SpecialKind
from xero_integration.exports.builders import build_sale_document, document_total
from xero_integration.sales.money import to_amount

from .sample_sales import context, d, mappings, sale, sale_line, without


def items(a_sale, ctx=None) -> list[dict]:
    return build_sale_document(a_sale, ctx or context()).body["LineItems"]


def by_account(lines: list[dict]) -> dict[str, dict]:
    return {line["AccountCode"]: line for line in lines}


def test_tips_go_on_the_tips_account():
    tips = by_account(items(sale(tips=d("3.50"))))["825"]
    assert (tips["Description"], tips["Quantity"], tips["UnitAmount"]) == ("Tips", 1, d("3.50"))


def test_surcharge_goes_on_the_surcharge_account():
    assert by_account(items(sale(surcharge=d("0.17"))))["260"]["UnitAmount"] == d("0.17")


def test_cash_rounding_goes_negative_on_the_rounding_account():
    assert by_account(items(sale(rounding=d("-0.02"))))["860"]["UnitAmount"] == d("-0.02")


def test_extras_carry_zero_tax_and_the_no_tax_type():
    tips = by_account(items(sale(tips=d("3.50"))))["825"]
    assert (tips["TaxAmount"], tips["TaxType"]) == (d("0.00"), "BASEXCLUDED")


def test_extras_have_no_tax_type_when_none_is_mapped():
    ctx = context(mappings=mappings(tax={"GST": "OUTPUT"}))
    assert "TaxType" not in by_account(items(sale(tips=d("3.50")), ctx))["825"]


def test_sale_without_extras_has_no_extra_lines():
    assert [line["AccountCode"] for line in items(sale())] == ["200"]


def test_discount_is_a_separate_negative_line_on_the_discount_account():
    line = sale_line(unit_price=d("10.00"), discount=d("2.00"), tax_amount=d("0.73"))
    revenue, discount = items(sale(lines=(line,)))
    assert (revenue["AccountCode"], revenue["UnitAmount"]) == ("200", d("10.00"))
    assert (discount["AccountCode"], discount["UnitAmount"]) == ("210", d("-2.00"))
    assert discount["Quantity"] == 1
    assert discount["Description"] == "Discount: Flat white"
    assert discount["TaxType"] == revenue["TaxType"]


def test_discount_reduces_revenue_when_no_discount_account_is_mapped():
    ctx = context(mappings=mappings(special=without(mappings().special, SpecialKind.DISCOUNT)))
    line = sale_line(unit_price=d("10.00"), discount=d("2.00"), tax_amount=d("0.73"))
    revenue, discount = items(sale(lines=(line,)), ctx)
    assert revenue["AccountCode"] == discount["AccountCode"] == "200"
    assert discount["UnitAmount"] == d("-2.00")


def test_discount_tax_split_adds_up_to_the_pos_tax_exactly():
    # 10.00 less 3.33 = 6.67 incl. 0.61 tax: the proportional split rounds each part.
    line = sale_line(unit_price=d("10.00"), discount=d("3.33"), tax_amount=d("0.61"))
    revenue, discount = items(sale(lines=(line,)))
    assert (revenue["TaxAmount"], discount["TaxAmount"]) == (d("0.91"), d("-0.30"))
    assert revenue["TaxAmount"] + discount["TaxAmount"] == d("0.61")


def test_discounted_exclusive_sale_still_totals_the_pos_total():
    line = sale_line(unit_price=d("10.00"), discount=d("3.33"), tax_amount=d("0.67"))
    doc = build_sale_document(sale(lines=(line,), amounts_include_tax=False), context())
    assert doc.total == document_total(doc.body["LineItems"], False) == d("7.34")


def test_tracking_from_the_mapping_is_on_every_line():
    ctx = context(mappings=mappings(tracking={"Region": "North", "Area": "CBD"}))
    line = sale_line(discount=d("1.00"))
    lines = items(sale(lines=(line,), tips=d("1"), surcharge=d("1"), rounding=d("-0.01")), ctx)
    assert len(lines) == 5
    for item in lines:
        assert item["Tracking"] == [
            {"Name": "Area", "Option": "CBD"},
            {"Name": "Region", "Option": "North"},
        ]


def test_lines_have_no_tracking_when_none_is_mapped():
    assert "Tracking" not in items(sale(), context(mappings=mappings(tracking={})))[0]


def test_specific_category_uses_its_own_account():
    assert items(sale(lines=(sale_line(category="drinks"),)))[0]["AccountCode"] == "205"


def test_unknown_category_falls_back_to_the_wildcard_account():
    assert items(sale(lines=(sale_line(category="merch"),)))[0]["AccountCode"] == "209"


# Xero rounds tax per line; the POS may round on the total (developer.xero.com
# api-guides/rounding-in-xero). The POS's figure is sent as TaxAmount and wins.


def xero_per_line_tax(amounts, rate, inclusive) -> Decimal:
    return sum(
        (to_amount(a * rate / (1 + rate) if inclusive else a * rate) for a in amounts), Decimal(0)
    )


def pos_lines(amounts, taxes):
    return tuple(sale_line(unit_price=a, tax_amount=t) for a, t in zip(amounts, taxes))


def test_pos_tax_on_the_total_is_carried_on_exclusive_lines():
    amounts = [d("25.06"), d("25.61"), d("25.63")]
    pos_taxes = [d("3.76"), d("3.84"), d("3.85")]  # 11.45: 15% of the 76.30 total
    assert xero_per_line_tax(amounts, d("0.15"), inclusive=False) == d("11.44")
    exclusive = sale(lines=pos_lines(amounts, pos_taxes), amounts_include_tax=False)
    doc = build_sale_document(exclusive, context())
    assert [line["TaxAmount"] for line in doc.body["LineItems"]] == pos_taxes
    assert doc.total == document_total(doc.body["LineItems"], False) == d("87.75")


def test_pos_tax_on_the_total_is_carried_on_inclusive_lines_and_the_total_is_unchanged():
    amounts = [d("25.06"), d("25.61"), d("25.63"), d("10.01"), d("10.01"), d("10.01")]
    # 15% inclusive tax on the 106.33 total is 13.87; Xero's per-line rounding gives 13.88.
    pos_taxes = [d("3.27"), d("3.34"), d("3.34"), d("1.31"), d("1.31"), d("1.30")]
    assert xero_per_line_tax(amounts, d("0.15"), inclusive=True) == d("13.88")
    assert sum(pos_taxes) == to_amount(sum(amounts) * d("0.15") / d("1.15")) == d("13.87")
    doc = build_sale_document(sale(lines=pos_lines(amounts, pos_taxes)), context())
    assert [line["TaxAmount"] for line in doc.body["LineItems"]] == pos_taxes
    assert doc.total == document_total(doc.body["LineItems"], True) == d("106.33")
