"""The one-screen mapping editor: a row per POS value, its Xero choices, and saving.

The POS side is what the merchant's sales actually carry (SaleKey), what is mapped
already, and the fixed special kinds; the Xero side is only what is valid for the type
(options.py). Saving goes through mappings.services.set_mappings, type by type, so the
editor holds mappings to exactly the API's rules; all types are saved or none.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count

from mappings.models import WILDCARD_CATEGORY, MappingType, SpecialKind
from mappings.selectors import merchant_default_mappings
from mappings.services import MappingsRejected, set_mappings
from mappings.types import item_from_mapping
from outlets.models import Merchant

from ..models import SaleKey, XeroConnection
from .options import XeroOption, XeroOptions
from .suggestions import suggest

# The POS tax code that tips, surcharges and rounding carry (README: map NONE).
NO_TAX_CODE = "NONE"
SECTION_TITLES = {
    MappingType.REVENUE.value: "Categories → revenue accounts",
    MappingType.PAYMENTS.value: "Payment methods → bank or payment accounts",
    MappingType.TAX.value: "POS tax codes → Xero tax rates",
    MappingType.TRACKING.value: "Tracking (put on every line)",
    MappingType.SPECIAL.value: "Special amounts and the walk-in contact",
}
POS_LABELS = {
    (MappingType.REVENUE.value, WILDCARD_CATEGORY): "* (any other category)",
    (MappingType.TAX.value, NO_TAX_CODE): "NONE (tips, surcharges, rounding)",
    **{(MappingType.SPECIAL.value, kind.value): kind.label for kind in SpecialKind},
}
FIELD_SEPARATOR = "::"


@dataclass
class EditorRow:
    mapping_type: str
    pos_value: str
    label: str
    sales: int  # how many of the merchant's sales carry it (0: offered, not yet seen)
    options: list[XeroOption]
    current: str = ""  # what is saved now
    suggested: str = ""  # a suggestion when nothing is saved
    error: str = ""

    @property
    def field_name(self) -> str:
        return f"{self.mapping_type}{FIELD_SEPARATOR}{self.pos_value}"

    @property
    def selected(self) -> str:
        return self.current or self.suggested


@dataclass
class EditorSection:
    mapping_type: str
    title: str
    rows: list[EditorRow] = field(default_factory=list)


def keys_in_sales(merchant: Merchant) -> Counter[tuple[str, str]]:
    """(type, POS value) → how many of the merchant's sales carry it, in one query."""
    rows = (
        SaleKey.objects.filter(sale__merchant=merchant)
        .values("type", "key")
        .annotate(sales=Count("sale", distinct=True))
    )
    return Counter({(row["type"], row["key"]): row["sales"] for row in rows})


def pos_values(
    merchant: Merchant, options: XeroOptions, seen: Counter[tuple[str, str]]
) -> dict[str, list[str]]:
    """Each type's POS values: seen in sales, mapped already, and the fixed ones."""
    saved = merchant_default_mappings(merchant_id=merchant.pk)
    fixed = {
        MappingType.REVENUE.value: [WILDCARD_CATEGORY],
        MappingType.PAYMENTS.value: [],
        MappingType.TAX.value: [NO_TAX_CODE],
        MappingType.TRACKING.value: options.tracking_categories(),
        MappingType.SPECIAL.value: [kind.value for kind in SpecialKind],
    }
    values: dict[str, list[str]] = {}
    for mapping_type, always in fixed.items():
        in_sales = [key for (type_, key) in seen if type_ == mapping_type]
        mapped = list(saved.of_type(mapping_type))
        values[mapping_type] = sorted(set(always) | set(in_sales) | set(mapped), key=order_key)
    return values


def order_key(value: str) -> tuple[bool, str]:
    # `*` and NONE first: the defaults a person sets once.
    return (value not in (WILDCARD_CATEGORY, NO_TAX_CODE), value.lower())


def editor_sections(*, merchant: Merchant, connection: XeroConnection) -> list[EditorSection]:
    options = XeroOptions(connection)
    seen = keys_in_sales(merchant)
    saved = merchant_default_mappings(merchant_id=merchant.pk)
    sections = []
    for mapping_type, values in pos_values(merchant, options, seen).items():
        section = EditorSection(mapping_type, SECTION_TITLES[mapping_type])
        for pos_value in values:
            choices = options.for_key(mapping_type, pos_value)
            current = saved.of_type(mapping_type).get(pos_value, "")
            if current and current not in {option.value for option in choices}:
                # Kept on the page (and refused with the rules' reason on save), never
                # dropped silently because Xero archived it.
                choices = [
                    XeroOption(current, f"{current} (not valid in Xero now)", current),
                    *choices,
                ]
            suggestion = None if current else suggest(mapping_type, pos_value, choices)
            section.rows.append(
                EditorRow(
                    mapping_type=mapping_type,
                    pos_value=pos_value,
                    label=POS_LABELS.get((mapping_type, pos_value), pos_value),
                    sales=seen[(mapping_type, pos_value)],
                    options=choices,
                    current=current,
                    suggested=suggestion.value if suggestion else "",
                )
            )
        sections.append(section)
    return sections


def items_of(mapping_type: str, chosen: dict[str, str]) -> list[dict[str, str]]:
    """The API's item shape (mappings.types) for each chosen pair of one type."""
    return [item_from_mapping(mapping_type, pos, xero) for pos, xero in chosen.items()]


def chosen_by_type(submitted: dict[str, str]) -> dict[str, dict[str, str]]:
    """Form fields `type::pos value` → {type: {pos value: xero value}}; blanks are unmapped."""
    chosen: dict[str, dict[str, str]] = {t: {} for t in MappingType.values}
    for name, xero_value in submitted.items():
        mapping_type, separator, pos_value = name.partition(FIELD_SEPARATOR)
        if separator and mapping_type in chosen and xero_value.strip():
            chosen[mapping_type][pos_value] = xero_value.strip()
    return chosen


@dataclass
class SaveResult:
    saved: int = 0
    errors: dict[str, str] = field(default_factory=dict)  # field name → reason


def save_editor(*, merchant: Merchant, submitted: dict[str, str]) -> SaveResult:
    """Replace the merchant's default mappings with what the page holds, all types or none."""
    result = SaveResult()
    try:
        with transaction.atomic():
            for mapping_type, chosen in chosen_by_type(submitted).items():
                result.saved += save_type(merchant, mapping_type, chosen, result)
            if result.errors:
                raise MappingsRejected("")
    except MappingsRejected:
        result.saved = 0
    return result


def save_type(
    merchant: Merchant, mapping_type: str, chosen: dict[str, str], result: SaveResult
) -> int:
    pos_values = list(chosen)
    try:
        rows = set_mappings(
            merchant=merchant,
            outlet=None,
            mapping_type=mapping_type,
            items=items_of(mapping_type, chosen),
        )
    except MappingsRejected as rejected:
        for error in (rejected.fields or {}).get("mappings", []):
            index = error["index"]
            name = pos_values[index] if index is not None else "*"
            result.errors[f"{mapping_type}{FIELD_SEPARATOR}{name}"] = error["reason"]
        return 0
    return len(rows)
