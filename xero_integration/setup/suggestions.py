"""Suggested mappings, from the names in the chart of accounts, for a person to accept.

Pure: a POS value and the options valid for its type in, one option (or None) out. Only
a suggestion: the editor shows it prefilled and marked, and nothing is saved until a
person saves the page.
"""

import re
from collections.abc import Callable
from decimal import Decimal

from mappings.models import WILDCARD_CATEGORY, MappingType, SpecialKind

from .options import XeroOption

# Words a POS uses for a payment method, and words of the account that usually takes it.
PAYMENT_HINTS = {
    "card": ("clearing", "card", "merchant", "eftpos"),
    "eftpos": ("clearing", "eftpos", "card", "merchant"),
    "credit": ("clearing", "card"),
    "cash": ("cash", "bank"),
    "gift": ("gift",),
    "voucher": ("gift", "voucher"),
}
SPECIAL_HINTS = {
    SpecialKind.TIPS.value: ("tip", "gratuit", "other revenue", "other income"),
    SpecialKind.SURCHARGE.value: ("surcharge", "other revenue", "other income"),
    SpecialKind.DISCOUNT.value: ("discount", "sales"),
    SpecialKind.GIFT_CARD.value: ("gift",),
    SpecialKind.CASH_OVER_SHORT.value: ("over", "short", "rounding"),
    SpecialKind.CONTACT.value: ("pos", "walk-in", "cash sale"),
}
# POS tax codes that mean "no tax on this": tips, surcharges and rounding carry NONE.
NO_TAX_WORDS = ("NONE", "NOTAX", "EXCLUDED")
FREE_WORDS = ("FREE", "EXEMPT", "ZERO")
SALES_WORDS = ("sales", "revenue", "income")


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower().replace("_", " ")))


def by_hints(options: list[XeroOption], hints: tuple[str, ...]) -> XeroOption | None:
    """The first option whose name holds the earliest hint: hints are in order of preference."""
    for hint in hints:
        for option in options:
            if hint in option.name.lower():
                return option
    return None


def by_shared_words(pos_value: str, options: list[XeroOption]) -> XeroOption | None:
    wanted = words(pos_value)
    scored = [(len(wanted & words(option.name)), option) for option in options]
    best = max(scored, key=lambda pair: pair[0], default=(0, None))
    return best[1] if best[0] else None


def suggest_revenue(category: str, options: list[XeroOption]) -> XeroOption | None:
    if category != WILDCARD_CATEGORY and (named := by_shared_words(category, options)):
        return named
    return by_hints(options, SALES_WORDS) or (options[0] if options else None)


def suggest_payment(method: str, options: list[XeroOption]) -> XeroOption | None:
    hints = next((h for word, h in PAYMENT_HINTS.items() if word in method.lower()), ())
    banks = [o for o in options if (o.data or {}).get("Type") == "BANK"]
    return (
        by_shared_words(method, options)
        or by_hints(options, hints)
        or (banks[0] if banks else None)
    )


def percentage_in(tax_code: str) -> Decimal | None:
    digits = re.search(r"\d+(\.\d+)?", tax_code)
    return Decimal(digits.group()) if digits else None


def suggest_tax(tax_code: str, options: list[XeroOption]) -> XeroOption | None:
    """By percentage (GST10 → a 10% rate on income), free codes to a 0% income rate, NONE
    (tips, surcharges, rounding) to a rate outside the tax return."""
    code = tax_code.upper()
    on_sales = [o for o in options if (o.data or {}).get("CanApplyToRevenue", True)]
    if any(word in code for word in NO_TAX_WORDS):
        return by_report_type(on_sales, "BASEXCLUDED") or zero_rated(on_sales, "excluded", "no ")
    if any(word in code for word in FREE_WORDS):
        return zero_rated(on_sales, "free", "exempt", "zero")
    rate = percentage_in(code)
    matching = [o for o in on_sales if rate is not None and o.percentage == rate]
    return by_report_type(matching, "OUTPUT") or (matching[0] if matching else None)


def by_report_type(options: list[XeroOption], report_type: str) -> XeroOption | None:
    return next((o for o in options if (o.data or {}).get("ReportTaxType") == report_type), None)


def zero_rated(options: list[XeroOption], *hints: str) -> XeroOption | None:
    zero = [o for o in options if o.percentage == 0]
    return by_hints(zero, hints) or (zero[0] if zero else None)


def suggest_special(kind: str, options: list[XeroOption]) -> XeroOption | None:
    if kind == SpecialKind.ROUNDING:
        system = [o for o in options if (o.data or {}).get("SystemAccount") == "ROUNDING"]
        return system[0] if system else by_hints(options, ("rounding",))
    return by_hints(options, SPECIAL_HINTS.get(kind, ()))


SUGGESTERS: dict[str, Callable[[str, list[XeroOption]], XeroOption | None]] = {
    MappingType.REVENUE.value: suggest_revenue,
    MappingType.PAYMENTS.value: suggest_payment,
    MappingType.TAX.value: suggest_tax,
    MappingType.SPECIAL.value: suggest_special,
}


def suggest(mapping_type: str, pos_value: str, options: list[XeroOption]) -> XeroOption | None:
    """A likely Xero value for one POS value; tracking is left to a person (no name hints)."""
    suggester = SUGGESTERS.get(mapping_type)
    return suggester(pos_value, options) if suggester else None
