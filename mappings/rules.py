"""The rules of mappings: what Xero accepts (checked against its cached reference data),
what a mapping item looks like, and what is still unmapped.

The API, the admin forms and readiness all use these, so a mapping is held to the
same rules wherever it is set or shown.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypedDict

from xero_integration.connection.selectors import reference_index, reference_records
from xero_integration.models import ReferenceKind, ReferenceRecord, XeroConnection

from .models import ON_ACCOUNT, WILDCARD_CATEGORY, MappingType, SpecialKind
from .selectors import EffectiveMappings

ACTIVE = "ACTIVE"

UNKNOWN_ACCOUNT = "Account code '{code}' does not exist in Xero."
INACTIVE_ACCOUNT = "Account '{code}' ({name}) is {status} in Xero."
BANK_ACCOUNT_ON_LINE = "Account '{code}' ({name}) is a bank account; map it as a payment account."
SYSTEM_ACCOUNT_ON_LINE = (
    "Account '{code}' ({name}) is Xero's {system} system account and cannot take sales."
)
NOT_A_PAYMENT_ACCOUNT = (
    "Account '{code}' ({name}) cannot receive payments: use a bank account or one with "
    "'Enable payments to this account' ticked in Xero."
)
UNKNOWN_TAX_TYPE = "Tax type '{code}' does not exist in Xero."
INACTIVE_TAX_TYPE = "Tax rate '{code}' ({name}) is {status} in Xero."
UNKNOWN_TRACKING_CATEGORY = "Tracking category '{code}' does not exist in Xero."
INACTIVE_TRACKING_CATEGORY = "Tracking category '{code}' is {status} in Xero."
UNKNOWN_TRACKING_OPTION = "Tracking category '{category}' has no option '{option}' in Xero."
INACTIVE_TRACKING_OPTION = "Tracking option '{option}' of '{category}' is {status} in Xero."
UNKNOWN_CONTACT = (
    "No contact named '{name}' in Xero (create it in Xero, then refresh reference data)."
)
INACTIVE_CONTACT = "Contact '{name}' is {status} in Xero."
TOO_MANY_TRACKING = "Xero allows at most two tracking categories on a line."
UNKNOWN_KIND = "'{kind}' is not a special kind; use one of {kinds}."
MAX_TRACKING_CATEGORIES = 2

# The account kinds that go on invoice lines; rounding may use Xero's rounding account.
LINE_ACCOUNT_KINDS = {k.value for k in SpecialKind} - {SpecialKind.CONTACT.value}


class InvalidMapping(TypedDict):
    """An effective mapping Xero would refuse, as readiness reports it."""

    type: str
    key: str
    reason: str


@dataclass(frozen=True)
class MissingMapping:
    type: str
    key: str | None  # None: any key of the type will do
    reason: str


# What every outlet needs before its first export. Tips, surcharges, discounts and the
# like are needed only once a sale carries them, and are reported then.
REQUIRED = [
    MissingMapping("revenue", WILDCARD_CATEGORY, "No default revenue account (category '*')."),
    MissingMapping("payments", None, "No payment method is mapped to a Xero account."),
    MissingMapping("tax", None, "No POS tax code is mapped to a Xero tax type."),
    MissingMapping("special", "contact", "No Xero contact for walk-in sales."),
    MissingMapping("special", "rounding", "No rounding account."),
]


def check_special_kind(kind: str) -> str | None:
    if kind in SpecialKind.values:
        return None
    return UNKNOWN_KIND.format(kind=kind, kinds=", ".join(SpecialKind.values))


def check_tracking_count(categories: set[str]) -> str | None:
    """Xero allows two tracking categories on a line; every line carries all mapped ones."""
    return TOO_MANY_TRACKING if len(categories) > MAX_TRACKING_CATEGORIES else None


def check_exists_and_active(
    record: ReferenceRecord | None, code: str, *, unknown: str, inactive: str
) -> str | None:
    """The first rule of every account and tax rate: Xero has it, and it is active."""
    if record is None:
        return unknown.format(code=code)
    if record.status != ACTIVE:
        return inactive.format(code=code, name=record.name, status=record.status)
    return None


def check_account(record: ReferenceRecord | None, code: str) -> str | None:
    return check_exists_and_active(record, code, unknown=UNKNOWN_ACCOUNT, inactive=INACTIVE_ACCOUNT)


def check_account_for_lines(
    record: ReferenceRecord | None, code: str, *, kind: str = ""
) -> str | None:
    if record is None or record.status != ACTIVE:
        return check_account(record, code)
    if record.data.get("Type") == "BANK":
        return BANK_ACCOUNT_ON_LINE.format(code=code, name=record.name)
    system = record.data.get("SystemAccount")
    if system and not (kind == SpecialKind.ROUNDING and system == "ROUNDING"):
        return SYSTEM_ACCOUNT_ON_LINE.format(code=code, name=record.name, system=system)
    return None


def check_payment_account(record: ReferenceRecord | None, code: str) -> str | None:
    if record is None or record.status != ACTIVE:
        return check_account(record, code)
    if record.data.get("Type") != "BANK" and not record.data.get("EnablePaymentsToAccount"):
        return NOT_A_PAYMENT_ACCOUNT.format(code=code, name=record.name)
    return None


def check_tax_type(record: ReferenceRecord | None, code: str) -> str | None:
    return check_exists_and_active(
        record, code, unknown=UNKNOWN_TAX_TYPE, inactive=INACTIVE_TAX_TYPE
    )


def check_tracking(record: ReferenceRecord | None, category: str, option: str) -> str | None:
    if record is None:
        return UNKNOWN_TRACKING_CATEGORY.format(code=category)
    if record.status != ACTIVE:
        return INACTIVE_TRACKING_CATEGORY.format(code=category, status=record.status)
    options = {o.get("Name"): o for o in record.data.get("Options", [])}
    if option not in options:
        return UNKNOWN_TRACKING_OPTION.format(category=category, option=option)
    status = options[option].get("Status", ACTIVE)
    if status != ACTIVE:
        return INACTIVE_TRACKING_OPTION.format(category=category, option=option, status=status)
    return None


def check_contact(connection: XeroConnection, name: str) -> str | None:
    contact = (
        reference_records(connection=connection, kind=ReferenceKind.CONTACTS)
        .filter(name__iexact=name)
        .first()
    )
    if contact is None:
        return UNKNOWN_CONTACT.format(name=name)
    if contact.status != ACTIVE:
        return INACTIVE_CONTACT.format(name=name, status=contact.status)
    return None


class ReferenceCache:
    """The connection's cached reference data, loaded once per kind per check."""

    def __init__(self, connection: XeroConnection):
        self.connection = connection
        self._indexes: dict[str, dict[str, ReferenceRecord]] = {}

    def get(self, kind: str, code: str) -> ReferenceRecord | None:
        if kind not in self._indexes:
            self._indexes[kind] = reference_index(connection=self.connection, kind=kind)
        return self._indexes[kind].get(code)


def check_pair(
    cache: ReferenceCache, mapping_type: str, pos_value: str, xero_value: str
) -> str | None:
    """The reason this mapping cannot be used in Xero, or None when it can."""
    if mapping_type == MappingType.REVENUE:
        return check_account_for_lines(cache.get(ReferenceKind.ACCOUNTS, xero_value), xero_value)
    if mapping_type == MappingType.PAYMENTS and xero_value == ON_ACCOUNT:
        return None  # paid later, through POST /api/xero/sales/{id}/payments
    if mapping_type == MappingType.PAYMENTS:
        return check_payment_account(cache.get(ReferenceKind.ACCOUNTS, xero_value), xero_value)
    if mapping_type == MappingType.TAX:
        return check_tax_type(cache.get(ReferenceKind.TAX_RATES, xero_value), xero_value)
    if mapping_type == MappingType.TRACKING:
        record = cache.get(ReferenceKind.TRACKING_CATEGORIES, pos_value)
        return check_tracking(record, pos_value, xero_value)
    if pos_value == SpecialKind.CONTACT:
        return check_contact(cache.connection, xero_value)
    record = cache.get(ReferenceKind.ACCOUNTS, xero_value)
    return check_account_for_lines(record, xero_value, kind=pos_value)


def missing_mappings(mappings: EffectiveMappings) -> list[MissingMapping]:
    def is_mapped(required: MissingMapping) -> bool:
        mapped = mappings.of_type(required.type)
        return bool(mapped) if required.key is None else required.key in mapped

    return [required for required in REQUIRED if not is_mapped(required)]


def invalid_mappings(
    mappings: EffectiveMappings, connection: XeroConnection
) -> list[InvalidMapping]:
    """Effective mappings that point at something Xero no longer accepts (e.g. archived)."""
    cache = ReferenceCache(connection)
    invalid: list[InvalidMapping] = []
    for mapping_type in MappingType.values:
        for pos_value, xero_value in mappings.of_type(mapping_type).items():
            reason = check_pair(cache, mapping_type, pos_value, xero_value)
            if reason:
                invalid.append({"type": mapping_type, "key": pos_value, "reason": reason})
    return invalid


# Where each mapping type's Xero value lives in the reference data, for the early warning.
TARGET_KIND: dict[str, str] = {
    MappingType.REVENUE: ReferenceKind.ACCOUNTS,
    MappingType.PAYMENTS: ReferenceKind.ACCOUNTS,
    MappingType.SPECIAL: ReferenceKind.ACCOUNTS,
    MappingType.TAX: ReferenceKind.TAX_RATES,
}
ARCHIVED_TARGET = (
    "The {type} mapping of '{key}' points at {what} '{value}', which is {status} in Xero: "
    "map it to an active one."
)


def archived_target(
    lookup: Callable[[str, str], ReferenceRecord | None], mapping_type: str, key: str, value: str
) -> str | None:
    """Why a mapping's account or tax rate is no longer usable (archived or deleted in
    Xero), or None. `lookup(kind, code)` finds the cached record. Other reasons (unknown
    codes, wrong account types) are readiness's."""
    kind = TARGET_KIND.get(mapping_type)
    if kind is None or value == ON_ACCOUNT or key == SpecialKind.CONTACT:
        return None
    record = lookup(kind, value)
    if record is None or record.status not in ("ARCHIVED", "DELETED"):
        return None
    what = "tax rate" if kind == ReferenceKind.TAX_RATES else "account"
    status = record.status.lower()
    return ARCHIVED_TARGET.format(type=mapping_type, key=key, what=what, value=value, status=status)


def archived_mappings(
    mappings: EffectiveMappings, connection: XeroConnection
) -> list[InvalidMapping]:
    """Effective mappings whose account or tax rate Xero has archived or deleted."""
    cache = ReferenceCache(connection)
    found: list[InvalidMapping] = []
    for mapping_type in TARGET_KIND:
        for key, value in mappings.of_type(mapping_type).items():
            reason = archived_target(cache.get, mapping_type, key, value)
            if reason:
                found.append({"type": mapping_type, "key": key, "reason": reason})
    return found
