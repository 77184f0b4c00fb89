"""The JSON shape of each mapping type: which key holds the POS value and which the Xero one."""

from dataclasses import dataclass

from .models import MappingType


@dataclass(frozen=True)
class ItemShape:
    pos_key: str
    xero_keys: tuple[str, ...]


ITEM_SHAPES: dict[str, ItemShape] = {
    MappingType.REVENUE: ItemShape("category", ("account_code",)),
    MappingType.PAYMENTS: ItemShape("method", ("account_code",)),
    MappingType.TAX: ItemShape("tax_code", ("tax_type",)),
    MappingType.TRACKING: ItemShape("tracking_category", ("option",)),
    # `contact` carries a contact name; every other kind an account code.
    MappingType.SPECIAL: ItemShape("kind", ("account_code", "contact_name")),
}


def item_from_mapping(mapping_type: str, pos_value: str, xero_value: str) -> dict[str, str]:
    shape = ITEM_SHAPES[mapping_type]
    xero_key = "contact_name" if pos_value == "contact" else shape.xero_keys[0]
    return {shape.pos_key: pos_value, xero_key: xero_value}
