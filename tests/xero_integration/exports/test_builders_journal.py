"""The daily journal builder: one balanced manual journal per outlet-day, to the cent."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest

from xero_integration.exports.builders import UnmappedError
from xero_integration.exports.documents import same_lines
from xero_integration.exports.journals import (
    NOT_BASE_CURRENCY,
    NotBaseCurrency,
    build_journal_document,
)
from xero_integration.exports.lock_dates import LockedPeriod, LockRule

from .sample_sales import context, d, payment, random_sales, refund, sale, sale_line
from .test_builders_match_spec import assert_matches_spec

DAY = datetime.date(2026, 11, 23)
SEEDS = (1, 2, 3)


def journal(sales, **ctx):
    return build_journal_document(sales, context(**ctx), day=DAY)


def amounts(doc) -> list[Decimal]:
    return [line["LineAmount"] for line in doc.body["JournalLines"]]


@pytest.mark.parametrize("seed", SEEDS)
def test_a_generated_day_of_sales_and_refunds_balances_to_the_cent(seed):
    by_currency = defaultdict(list)
    for generated in random_sales(seed, 300):
        by_currency[generated.currency].append(generated)

    for sales in by_currency.values():
        doc = journal(sales)
        assert sum(amounts(doc)) == 0
        takings = sum(s.total for s in sales if not s.is_refund) - sum(
            s.total for s in sales if s.is_refund
        )
        assert doc.total == takings
        assert all(a == a.quantize(Decimal("0.01")) for a in amounts(doc))


@pytest.mark.parametrize("seed", SEEDS)
def test_payment_lines_equal_the_days_takings_net_of_refunds(seed):
    sales = [s for s in random_sales(seed, 300) if s.currency == "AUD"]
    takings = sum(s.total for s in sales if not s.is_refund) - sum(
        s.total for s in sales if s.is_refund
    )

    doc = journal(sales)

    paid = [line for line in doc.body["JournalLines"] if line["Description"].startswith("Takings")]
    assert sum(line["LineAmount"] for line in paid) == takings


def test_revenue_is_credited_and_payments_debited_with_the_pos_tax():
    doc = journal([sale()])

    revenue, card = doc.body["JournalLines"]
    assert (revenue["LineAmount"], revenue["TaxAmount"], revenue["TaxType"]) == (
        d("-11.00"),
        d("-1.00"),
        "OUTPUT",
    )
    assert (card["LineAmount"], card["Description"]) == (d("11.00"), "Takings: card")


def test_a_refund_debits_revenue_and_credits_its_payment_method():
    doc = journal(
        [
            sale(),
            refund(
                lines=(sale_line(unit_price=d("5.50"), tax_amount=d("0.50")),),
                payments=(payment(amount="5.50"),),
            ),
        ]
    )

    assert sum(amounts(doc)) == 0
    refunded = [
        line for line in doc.body["JournalLines"] if line["Description"].startswith("Refunds")
    ]
    assert [line["LineAmount"] for line in refunded] == [d("5.50")]


def test_tips_surcharges_and_rounding_are_credited_to_their_accounts():
    with_extras = sale(
        tips=d("2.00"),
        surcharge=d("0.50"),
        rounding=d("-0.02"),
        payments=(payment(amount="13.48"),),
    )

    doc = journal([with_extras])

    by_description = {line["Description"]: line["LineAmount"] for line in doc.body["JournalLines"]}
    assert by_description["Tips"] == d("-2.00")
    assert by_description["Surcharges"] == d("-0.50")
    assert by_description["Cash rounding"] == d("0.02")
    assert sum(amounts(doc)) == 0


def test_the_narration_names_the_outlet_and_business_day():
    assert journal([sale()]).body["Narration"] == "SYD POS takings 2026-11-23 AUD"


def test_a_day_in_a_locked_period_is_posted_on_the_first_open_date_under_that_policy():
    rule = LockRule(DAY, "post_on_first_open_date")

    doc = journal([sale()], lock=rule)

    assert doc.body["Date"] == "2026-11-24"
    assert "2026-11-23" in doc.body["Narration"]


def test_a_day_in_another_currency_than_the_organisations_is_refused():
    with pytest.raises(NotBaseCurrency) as refused:
        journal([sale(currency="NZD")], base_currency="AUD")

    assert str(refused.value) == NOT_BASE_CURRENCY.format(
        narration="SYD POS takings 2026-11-23 NZD", currency="NZD", base="AUD"
    )


def test_an_unmapped_payment_method_stops_the_journal():
    with pytest.raises(UnmappedError):
        journal([sale(payments=(payment(method="voucher"),))])


def test_the_journal_matches_the_spec():
    assert_matches_spec("ManualJournals", {"ManualJournals": [journal([sale()]).body]})


def test_xeros_journal_with_our_narration_is_ours_only_with_the_same_lines():
    ours = journal([sale()]).body
    theirs = {**ours, "JournalLines": [dict(line) for line in ours["JournalLines"]]}

    assert same_lines(ours, None, theirs)
    theirs["JournalLines"][0]["LineAmount"] = d("-10.00")
    assert not same_lines(ours, None, theirs)


def test_a_day_in_a_locked_period_is_held_under_the_hold_policy():
    with pytest.raises(LockedPeriod):
        journal([sale()], lock=LockRule(DAY, "hold"))
