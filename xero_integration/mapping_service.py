"""Setting mappings through the API: shape checks, Xero checks, then an all-or-nothing write."""

from mappings.models import MappingType, SpecialKind
from mappings.selectors import mappings_at_scope
from mappings.services import replace_mappings
from mappings.types import ITEM_SHAPES
from outlets.models import Merchant, Outlet

from .errors import Conflict, UserFacingError
from .mapping_rules import TOO_MANY_TRACKING, ReferenceCache, check_pair
from .models import ReferenceSnapshot
from .selectors import connection_for

NOT_CONNECTED = "Merchant '{merchant_id}' has no Xero connection: connect Xero before mapping."
NO_REFERENCE_DATA = (
    "Xero's accounts and tax rates have not been fetched yet: refresh reference data "
    "(POST /api/xero/reference-data/refresh) and try again."
)
MAPPINGS_REJECTED = "No mapping was saved: {count} item(s) cannot be used."
NOT_AN_OBJECT = "Each mapping must be a JSON object."
WRONG_KEYS = "Expected the keys {expected}."
NOT_A_STRING = "'{key}' must be a non-empty string of at most {max_length} characters."
UNKNOWN_KIND = "'{kind}' is not a special kind; use one of {kinds}."
DUPLICATE_KEY = "'{value}' is mapped more than once."

MAX_LENGTHS = {"pos": 100, "xero": 255}


class MappingsRejected(UserFacingError):
    code = "invalid_mappings"


def expected_keys(mapping_type: str, item: dict) -> set[str]:
    shape = ITEM_SHAPES[mapping_type]
    if mapping_type != MappingType.SPECIAL:
        return {shape.pos_key, shape.xero_keys[0]}
    xero_key = "contact_name" if item.get("kind") == SpecialKind.CONTACT else "account_code"
    return {shape.pos_key, xero_key}


def parse_item(mapping_type: str, item) -> tuple[tuple[str, str] | None, str | None]:
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
    if mapping_type == MappingType.SPECIAL and item["kind"] not in SpecialKind.values:
        return None, UNKNOWN_KIND.format(kind=item["kind"], kinds=", ".join(SpecialKind.values))
    return (item[pos_key].strip(), item[xero_key].strip()), None


def parse_items(mapping_type: str, items: list) -> tuple[list[tuple[str, str]], list[dict]]:
    pairs, errors, seen = [], [], set()
    for index, item in enumerate(items):
        pair, reason = parse_item(mapping_type, item)
        if pair and pair[0] in seen:
            reason = DUPLICATE_KEY.format(value=pair[0])
        if reason:
            errors.append({"index": index, "item": item, "reason": reason})
            continue
        seen.add(pair[0])
        pairs.append(pair)
    return pairs, errors


def tracking_categories_after(merchant: Merchant, outlet: Outlet | None, pairs) -> set[str]:
    categories = {pos for pos, _ in pairs}
    if outlet is not None:
        merchant_level = mappings_at_scope(
            merchant_id=merchant.pk, outlet=None, mapping_type=MappingType.TRACKING
        )
        categories |= set(merchant_level.values_list("pos_value", flat=True))
    return categories


def set_mappings(*, merchant: Merchant, outlet: Outlet | None, mapping_type: str, items: list):
    """Replace one type of mapping at one scope, or raise MappingsRejected naming each bad item."""
    pairs, errors = parse_items(mapping_type, items)
    if not errors:
        errors = check_against_xero(merchant, outlet, mapping_type, pairs, items)
    if not errors and mapping_type == MappingType.TRACKING:
        if len(tracking_categories_after(merchant, outlet, pairs)) > 2:
            errors = [{"index": None, "item": None, "reason": TOO_MANY_TRACKING}]
    if errors:
        raise MappingsRejected(
            MAPPINGS_REJECTED.format(count=len(errors)), fields={"mappings": errors}
        )
    return replace_mappings(
        merchant=merchant, outlet=outlet, mapping_type=mapping_type, pairs=pairs
    )


def check_against_xero(merchant, outlet, mapping_type, pairs, items) -> list[dict]:
    # Only called once every item parsed, so pairs and items line up by index.
    connection = connection_for(merchant=merchant, outlet=outlet)
    if connection is None:
        raise Conflict(NOT_CONNECTED.format(merchant_id=merchant.merchant_id))
    if not ReferenceSnapshot.objects.filter(connection=connection).exists():
        raise Conflict(NO_REFERENCE_DATA)
    cache = ReferenceCache(connection)
    errors = []
    for index, (pos_value, xero_value) in enumerate(pairs):
        reason = check_pair(cache, mapping_type, pos_value, xero_value)
        if reason:
            errors.append({"index": index, "item": items[index], "reason": reason})
    return errors
