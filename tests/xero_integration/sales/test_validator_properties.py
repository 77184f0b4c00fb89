"""Properties of the sale validator, over sales hypothesis makes up (hostile text included).

- Whatever a POS sends, the validator answers a sale or the reasons it is refused; it never
  fails another way, and the API never answers 500.
- Whatever it accepts can be stored, read back from the database as it was, and built into
  the Xero document that exports it, totalling the sale to the cent.
"""

import datetime
import json
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mappings.models import SpecialKind
from mappings.selectors import EffectiveMappings
from xero_integration.exports.builders import ExportContext, build_sale_document
from xero_integration.exports.context import dumps, loads
from xero_integration.models import Sale
from xero_integration.sales.money import line_amount, total
from xero_integration.sales.types import sale_from_json
from xero_integration.sales.validation import SaleErrors, parse_sale

NOW = timezone.now()
AN_HOUR_AGO = (NOW - datetime.timedelta(hours=1)).isoformat()

# ---- what a POS may send -------------------------------------------------------------------

# Any character, lone surrogates and control characters included.
any_text = st.text(st.characters(exclude_categories=()), max_size=40)
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), any_text)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=4)
    ),
    max_leaves=20,
)
# No NaN: a POS's JSON cannot carry one (the parser refuses the body, not the sale).
hostile = st.one_of(
    any_text,
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(),
    st.none(),
    st.sampled_from(["-0.00", " 1.00 ", "1e3", "NaN", "Infinity", "٤.٥٠", "４.５０", "1_0"]),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
)


def amounts(places: int, low: int = -1000) -> st.SearchStrategy[str]:
    """Decimal strings as a POS sends them: usually small, sometimes near what can be stored."""
    usual = st.decimals(min_value=low, max_value=1000, places=places)
    large = st.decimals(min_value=0, max_value=10**12 - 1, places=places)
    return st.one_of(usual, usual, usual, large, st.just(Decimal("-0.00"))).map(str)


quantities = st.one_of(
    st.decimals(min_value=Decimal("0.0001"), max_value=100, places=4),
    st.decimals(min_value=-100, max_value=Decimal("-0.0001"), places=4),  # an exchange
    st.decimals(min_value=1, max_value=10**12 - 1, places=0),
).map(str)


# Text a POS may well send: any letters, symbols and spaces, but no control characters.
words = st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=30).filter(
    str.strip
)
valid_line = st.fixed_dictionaries(
    {
        "category": st.one_of(st.sampled_from(["coffee", "food"]), words),
        "description": words,
        "quantity": quantities,
        "unit_price": amounts(4, low=0),
        "discount": st.one_of(st.just("0.00"), amounts(2, low=0)),
        "tax_code": st.one_of(st.just("GST10"), words),
        "tax_amount": st.one_of(st.just("0.00"), amounts(2)),
    }
)


def total_due(sale: dict) -> Decimal:
    """What the payments of a sale not yet corrupted must add up to."""
    include_tax = sale["amounts_include_tax"]
    parts = [
        line_amount(
            Decimal(line["quantity"]), Decimal(line["unit_price"]), Decimal(line["discount"])
        )
        + (0 if include_tax else Decimal(line["tax_amount"]))
        for line in sale["lines"]
    ]
    return total(parts) + sum(Decimal(sale[f]) for f in ("tips", "surcharge", "rounding"))


@st.composite
def sales(draw) -> dict:
    """A sale that balances, with none to a few of its values replaced by hostile ones."""
    sale = {
        "id": draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,20}", fullmatch=True)),
        "pos_station_id": "S1",
        "type": draw(st.sampled_from(["sale", "refund"])),
        "occurred_at": AN_HOUR_AGO,
        "currency": draw(st.sampled_from(["AUD", "NZD", "aud", "JPY", "XXX"])),
        "amounts_include_tax": draw(st.booleans()),
        "lines": draw(st.lists(valid_line, min_size=1, max_size=3)),
        "tips": draw(st.one_of(st.just("0.00"), amounts(2, low=0))),
        "surcharge": "0.00",
        "rounding": draw(st.sampled_from(["0.00", "-0.02", "0.01", "-0.00"])),
        "refund_of": None,
    }
    due = total_due(sale)
    method = draw(st.one_of(st.sampled_from(["card", "cash"]), words))
    sale["payments"] = [{"method": method, "amount": str(due)}] if due > 0 else []
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        corrupt(draw, sale)
    return sale


def corrupt(draw, sale: dict) -> None:
    """Replace one value (top level, a line's or a payment's) with a hostile one."""
    targets = [sale, *sale["lines"], *sale["payments"]]
    target = draw(st.sampled_from(targets))
    target[draw(st.sampled_from(sorted(set(target) - {"lines", "payments"})))] = draw(hostile)


# ---- the properties ------------------------------------------------------------------------


def assert_reasons(errors: dict) -> None:
    assert errors, "refused without a reason"
    for field, messages in errors.items():
        assert isinstance(field, str) and field
        assert messages and all(isinstance(m, str) and m for m in messages), field


@settings(max_examples=300, deadline=None)
@given(raw=st.one_of(json_values, sales()))
def test_anything_sent_as_a_sale_is_parsed_or_refused_with_reasons(raw):
    try:
        parse_sale(raw, default_amounts_include_tax=True, now=NOW)
    except SaleErrors as refused:
        assert_reasons(refused.errors)


def export_context(sale) -> ExportContext:
    """Every category, tax code and payment method of the sale mapped, as a merchant would."""
    mappings = EffectiveMappings(
        revenue={"*": "200"},
        payments={p.method: "090" for p in sale.payments},
        tax={line.tax_code: "OUTPUT" for line in sale.lines},
        tracking={},
        special={kind: "860" for kind in SpecialKind.values if kind != SpecialKind.CONTACT},
    )
    return ExportContext("POSS1", "Australia/Sydney", mappings, {"Name": "POS Sales"})


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sale=sales())
def test_accepted_sales_are_stored_read_back_and_exported_to_the_cent(api, outlet, sale):
    with transaction.atomic():  # each example starts from an empty outlet
        # As a POS sends it: JSON text, with \u escapes for what is not plain ASCII.
        body = json.dumps({"merchant_id": "M-ALLOWED", "sales": [sale]})
        response = api.generic("POST", "/api/xero/sales", body, content_type="application/json")
        assert response.status_code == 200, response.content
        (result,) = response.json()["results"]
        event(result["status"])
        if result["status"] == "rejected":
            assert_reasons(result["errors"])
        else:
            assert result["status"] == "accepted", result
            stored = Sale.objects.get(sale_id=result["id"])  # read back: total and payload
            parsed = sale_from_json(stored.payload)
            assert stored.total == parsed.total
            built = build_sale_document(parsed, export_context(parsed))
            assert built.total == stored.total
            assert loads(dumps(built.body))["LineItems"]  # the JSON that goes to Xero
        transaction.set_rollback(True)
