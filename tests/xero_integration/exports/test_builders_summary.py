"""A business day's sales of one outlet and currency → one summary document."""

import datetime

import pytest

from mappings.models import SpecialKind
from xero_integration.exports.builders import (
    CREDIT_NOTE,
    MIXED_SUMMARY,
    build_sale_document,
    build_summary_document,
    document_total,
)

from .sample_sales import (
    context,
    d,
    mappings,
    payment,
    random_sales,
    refund,
    sale,
    sale_line,
    without,
)

DAY = datetime.date(2026, 11, 23)


def summary(sales, ctx=None, sequence=1):
    return build_summary_document(sales, ctx or context(), day=DAY, sequence=sequence)


def lines_by(doc) -> dict[tuple[str, str], dict]:
    return {(line["AccountCode"], line.get("TaxType")): line for line in doc.body["LineItems"]}


def test_lines_are_summed_by_account_and_tax_type():
    sales = [
        sale(sale_id="1", lines=(sale_line(unit_price=d("11.00"), tax_amount=d("1.00")),)),
        sale(sale_id="2", lines=(sale_line(unit_price=d("5.50"), tax_amount=d("0.50")),)),
    ]
    [line] = summary(sales).body["LineItems"]
    assert (line["AccountCode"], line["TaxType"]) == ("200", "OUTPUT")
    assert (line["Quantity"], line["UnitAmount"], line["TaxAmount"]) == (1, d("16.50"), d("1.50"))


def test_a_summary_line_is_described_by_the_categories_summed_in_it():
    lines = (sale_line(category="coffee"), sale_line(category="Pastry"))
    [line] = summary([sale(lines=lines)]).body["LineItems"]
    assert line["Description"] == "Sales: coffee, Pastry (OUTPUT)"


def test_same_account_with_different_tax_types_stays_apart():
    lines = (sale_line(), sale_line(tax_code="FREE", unit_price=d("3.00"), tax_amount=d("0.00")))
    assert set(lines_by(summary([sale(lines=lines)]))) == {
        ("200", "OUTPUT"),
        ("200", "EXEMPTOUTPUT"),
    }


def test_discounts_are_summed_on_the_discount_account():
    line = sale_line(discount=d("1.00"), tax_amount=d("0.91"))
    doc = summary([sale(sale_id="1", lines=(line,)), sale(sale_id="2", lines=(line,))])
    assert lines_by(doc)[("210", "OUTPUT")]["UnitAmount"] == d("-2.00")


def test_discounts_reduce_revenue_lines_when_no_discount_account_is_mapped():
    ctx = context(mappings=mappings(special=without(mappings().special, SpecialKind.DISCOUNT)))
    doc = summary([sale(lines=(sale_line(discount=d("1.00"), tax_amount=d("0.91")),))], ctx)
    assert [line["AccountCode"] for line in doc.body["LineItems"]] == ["200", "200"]
    assert doc.total == d("10.00")


def test_tips_surcharge_and_rounding_are_summed():
    sales = [
        sale(sale_id="1", tips=d("1.00"), surcharge=d("0.20"), rounding=d("-0.02")),
        sale(sale_id="2", tips=d("2.50"), surcharge=d("0.30"), rounding=d("0.01")),
    ]
    lines = lines_by(summary(sales))
    assert lines[("825", "BASEXCLUDED")]["UnitAmount"] == d("3.50")
    assert lines[("260", "BASEXCLUDED")]["UnitAmount"] == d("0.50")
    assert lines[("860", "BASEXCLUDED")]["UnitAmount"] == d("-0.01")


def test_one_payment_per_method_summed_over_the_day():
    sales = [
        sale(sale_id="1", payments=(payment("card", "6.00"), payment("cash", "5.00"))),
        sale(sale_id="2", payments=(payment("card", "11.00"),)),
    ]
    doc = summary(sales)
    assert [(p["Account"]["Code"], p["Amount"]) for p in doc.payments] == [
        ("090", d("17.00")),
        ("091", d("5.00")),
    ]
    assert all(p["Invoice"] == {"InvoiceNumber": "SYD-20261123-AUD"} for p in doc.payments)


def test_summary_number_is_prefix_day_and_currency():
    doc = summary([sale(currency="NZD")])
    assert doc.number == doc.body["InvoiceNumber"] == "SYD-20261123-NZD"


def test_summary_is_dated_on_the_business_day():
    doc = summary([sale(occurred_at=datetime.datetime(2026, 11, 23, 16, tzinfo=datetime.UTC))])
    assert doc.body["Date"] == doc.payments[0]["Date"] == "2026-11-23"


def test_refund_summary_is_a_credit_note_numbered_cn():
    doc = summary([refund(sale_id="R1"), refund(sale_id="R2")])
    assert doc.kind == CREDIT_NOTE
    assert doc.body["Type"] == "ACCRECCREDIT"
    assert doc.number == doc.body["CreditNoteNumber"] == "SYD-20261123-AUD-CN"
    assert doc.payments[0]["CreditNote"] == {"CreditNoteNumber": "SYD-20261123-AUD-CN"}


def test_supplementary_summary_gets_a_sequence_suffix_and_mentions_late_sales():
    doc = summary([sale()], sequence=2)
    assert doc.number == "SYD-20261123-AUD-2"
    assert "late sales" in doc.body["Reference"]


def test_first_summary_reference_does_not_mention_late_sales():
    assert "late" not in summary([sale()]).body["Reference"]


def test_supplementary_refund_summary_number():
    assert summary([refund()], sequence=3).number == "SYD-20261123-AUD-CN-3"


def test_summary_is_always_tax_inclusive():
    assert summary([sale(amounts_include_tax=False)]).body["LineAmountTypes"] == "Inclusive"


def test_day_mixing_inclusive_and_exclusive_sales_balances():
    inclusive = sale(sale_id="1", lines=(sale_line(unit_price=d("11.00"), tax_amount=d("1.00")),))
    discounted = sale_line(unit_price=d("10.00"), discount=d("0.99"), tax_amount=d("0.90"))
    exclusive = sale(sale_id="2", amounts_include_tax=False, lines=(discounted,))
    doc = summary([inclusive, exclusive])
    revenue, discount = lines_by(doc)[("200", "OUTPUT")], lines_by(doc)[("210", "OUTPUT")]
    # The exclusive 10.00 less 0.99 plus 0.90 tax is carried gross: 11.00 and -1.09.
    assert (revenue["UnitAmount"], revenue["TaxAmount"]) == (d("22.00"), d("2.00"))
    assert (discount["UnitAmount"], discount["TaxAmount"]) == (d("-1.09"), d("-0.10"))
    assert doc.total == document_total(doc.body["LineItems"], True) == d("20.91")
    assert sum(p["Amount"] for p in doc.payments) == d("20.91")


def test_summary_total_equals_the_per_sale_totals_of_the_same_sales():
    sales = [s for s in random_sales(seed=7, count=60) if s.currency == "AUD" and not s.is_refund]
    per_sale = sum(build_sale_document(s, context()).total for s in sales)
    assert summary(sales).total == per_sale == sum(s.total for s in sales)


def discounted_sale_with_tips():
    return sale(lines=(sale_line(discount=d("1.00"), tax_amount=d("0.91")),), tips=d("1.00"))


def test_summary_lists_revenue_before_discounts_before_extras():
    doc = summary([discounted_sale_with_tips()])
    assert [line["AccountCode"] for line in doc.body["LineItems"]] == ["200", "210", "825"]


def test_sales_and_refunds_are_never_summarised_together():
    # A refund's amounts are positive: mixed in, it would be counted as takings.
    with pytest.raises(ValueError) as raised:
        summary([sale(), refund()])
    expected = MIXED_SUMMARY.format(kinds=["credit_note", "invoice"], currencies=["AUD"])
    assert str(raised.value) == expected


def test_currencies_are_never_summarised_together():
    with pytest.raises(ValueError, match="currencies"):
        summary([sale(sale_id="1"), sale(sale_id="2", currency="NZD")])


def test_an_empty_day_is_refused():
    with pytest.raises(ValueError):
        summary([])


def test_tracking_is_on_every_summary_line():
    doc = summary([discounted_sale_with_tips()])
    assert len(doc.body["LineItems"]) == 3
    for line in doc.body["LineItems"]:
        assert line["Tracking"] == [{"Name": "Region", "Option": "North"}]
