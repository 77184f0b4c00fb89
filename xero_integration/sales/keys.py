"""The mapping keys a sale needs: every POS value that must be mapped before it can go to Xero.

Read off the sale itself, so readiness comes from the data: a sale paid by `eftpos`
needs a `payments` mapping for `eftpos`, one with a surcharge needs the `surcharge`
special account, whatever the merchant thought to map up front.
"""

from mappings.models import MappingType, SpecialKind

from .types import SaleData

# Extra amounts of a sale and the special account each needs when it is not zero.
EXTRA_KINDS = (
    ("tips", SpecialKind.TIPS),
    ("surcharge", SpecialKind.SURCHARGE),
    ("rounding", SpecialKind.ROUNDING),
)


def mapping_keys(sale: SaleData) -> list[tuple[str, str]]:
    """(mapping type, POS value) pairs, each once, in a stable order."""
    keys: list[tuple[str, str]] = []
    for line in sale.lines:
        keys += [(MappingType.REVENUE.value, line.category), (MappingType.TAX.value, line.tax_code)]
    keys += [(MappingType.PAYMENTS.value, payment.method) for payment in sale.payments]
    keys += [
        (MappingType.SPECIAL.value, kind.value)
        for attribute, kind in EXTRA_KINDS
        if getattr(sale, attribute)
    ]
    return sorted(set(keys))
