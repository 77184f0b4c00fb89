"""Writes of mappings: shape checks, Xero's checks (mappings.rules), then an all-or-nothing write."""

from typing import Any, TypedDict

from django.db import transaction

from config.errors import Conflict, Invalid
from config.text import is_clean_text
from outlets.models import Merchant, Outlet
from xero_integration.connection.selectors import connection_for, has_reference_data

from .models import Mapping, MappingType, SpecialKind
from .rules import ReferenceCache, check_pair, check_special_kind, check_tracking_count
from .selectors import tracking_categories
from .types import ITEM_SHAPES

NOT_CONNECTED = "Merchant '{merchant_id}' has no Xero connection: connect Xero before mapping."
NO_REFERENCE_DATA = (
    "Xero's accounts and tax rates have not been fetched yet: refresh reference data "
    "(POST /api/xero/reference-data/refresh) and try again."
)
MAPPINGS_REJECTED = "No mapping was saved: {count} item(s) cannot be used."
NOT_AN_OBJECT = "Each mapping must be a JSON object."
WRONG_KEYS = "Expected the keys {expected}."
NOT_A_STRING = "'{key}' must be a non-empty string of at most {max_length} characters."
DUPLICATE_KEY = "'{value}' is mapped more than once."
CONTROL_CHARACTERS_IN = "'{key}' must not contain control characters (such as NUL or escape)."

# What Mapping.pos_value and Mapping.xero_value hold.
MAX_LENGTHS = {
    "pos": Mapping._meta.get_field("pos_value").max_length or 0,
    "xero": Mapping._meta.get_field("xero_value").max_length or 0,
}


class MappingsRejected(Invalid):
    code = "invalid_mappings"


class ItemError(TypedDict):
    """Why one item of a request was refused; `index` and `item` are None for the whole list."""

    index: int | None
    item: Any
    reason: str


def expected_keys(mapping_type: str, item: dict[str, Any]) -> set[str]:
    shape = ITEM_SHAPES[mapping_type]
    if mapping_type != MappingType.SPECIAL:
        return {shape.pos_key, shape.xero_keys[0]}
    xero_key = "contact_name" if item.get("kind") == SpecialKind.CONTACT else "account_code"
    return {shape.pos_key, xero_key}


def parse_item(mapping_type: str, item: Any) -> tuple[tuple[str, str] | None, str | None]:
    """The (pos value, xero value) of one item, or the reason it is malformed."""
    if not isinstance(item, dict):
        return None, NOT_AN_OBJECT
    keys = expected_keys(mapping_type, item)
    if set(item) != keys:
        return None, WRONG_KEYS.format(expected=", ".join(sorted(keys)))
    pos_key = ITEM_SHAPES[mapping_type].pos_key
    (xero_key,) = keys - {pos_key}
    for key, limit in ((pos_key, MAX_LENGTHS["pos"]), (xero_key, MAX_LENGTHS["xero"])):
        value = item[key]
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            return None, NOT_A_STRING.format(key=key, max_length=limit)
        if not is_clean_text(value):
            return None, CONTROL_CHARACTERS_IN.format(key=key)
    if mapping_type == MappingType.SPECIAL and (reason := check_special_kind(item["kind"])):
        return None, reason
    return (item[pos_key].strip(), item[xero_key].strip()), None


def parse_items(
    mapping_type: str, items: list[Any]
) -> tuple[list[tuple[str, str]], list[ItemError]]:
    pairs: list[tuple[str, str]] = []
    errors: list[ItemError] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        pair, reason = parse_item(mapping_type, item)
        if pair and pair[0] in seen:
            reason = DUPLICATE_KEY.format(value=pair[0])
        if reason:
            errors.append({"index": index, "item": item, "reason": reason})
        elif pair is not None:  # parse_item gives a pair or a reason, never neither
            seen.add(pair[0])
            pairs.append(pair)
    return pairs, errors


def tracking_categories_after(
    merchant: Merchant, outlet: Outlet | None, pairs: list[tuple[str, str]]
) -> set[str]:
    """The categories an outlet's lines would carry once `pairs` replace the scope's rows."""
    categories = {pos for pos, _ in pairs}
    if outlet is not None:
        categories |= tracking_categories(merchant_id=merchant.pk)
    return categories


def set_mappings(
    *, merchant: Merchant, outlet: Outlet | None, mapping_type: str, items: list[Any]
) -> list[Mapping]:
    """Replace one type of mapping at one scope, or raise MappingsRejected naming each bad item."""
    pairs, errors = parse_items(mapping_type, items)
    if not errors:
        errors = check_against_xero(merchant, outlet, mapping_type, pairs, items)
    if not errors and mapping_type == MappingType.TRACKING:
        if reason := check_tracking_count(tracking_categories_after(merchant, outlet, pairs)):
            errors = [{"index": None, "item": None, "reason": reason}]
    if errors:
        raise MappingsRejected(
            MAPPINGS_REJECTED.format(count=len(errors)), fields={"mappings": errors}
        )
    return replace_mappings(
        merchant=merchant, outlet=outlet, mapping_type=mapping_type, pairs=pairs
    )


def check_against_xero(
    merchant: Merchant,
    outlet: Outlet | None,
    mapping_type: str,
    pairs: list[tuple[str, str]],
    items: list[Any],
) -> list[ItemError]:
    # Only called once every item parsed, so pairs and items line up by index.
    connection = connection_for(merchant=merchant, outlet=outlet)
    if connection is None:
        raise Conflict(NOT_CONNECTED.format(merchant_id=merchant.merchant_id))
    if not has_reference_data(connection):
        raise Conflict(NO_REFERENCE_DATA)
    cache = ReferenceCache(connection)
    errors: list[ItemError] = []
    for index, (pos_value, xero_value) in enumerate(pairs):
        reason = check_pair(cache, mapping_type, pos_value, xero_value)
        if reason:
            errors.append({"index": index, "item": items[index], "reason": reason})
    return errors


@transaction.atomic
def replace_mappings(
    *, merchant: Merchant, outlet: Outlet | None, mapping_type: str, pairs: list[tuple[str, str]]
) -> list[Mapping]:
    """Replace every mapping of one type at one scope with `pairs`, all or nothing.

    Callers validate the pairs first (against Xero's reference data); this only writes.
    """
    Mapping.objects.filter(merchant=merchant, outlet=outlet, type=mapping_type).delete()
    rows = [
        Mapping(merchant=merchant, outlet=outlet, type=mapping_type, pos_value=pos, xero_value=xero)
        for pos, xero in pairs
    ]
    return Mapping.objects.bulk_create(rows)
