"""What the mapping editor offers on the Xero side: only values valid for the type.

Filtered with the same rules that check a saved mapping (mappings.rules), so anything
offered also saves: payment methods see bank accounts and accounts taking payments,
categories see active revenue accounts, tax codes see active tax rates with their
percentage, tracking categories their active options, special kinds the accounts their
lines may carry.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from mappings.models import MappingType, SpecialKind
from mappings.rules import (
    ACTIVE,
    check_account_for_lines,
    check_payment_account,
    check_tracking,
)

from ..connection.selectors import reference_records
from ..models import ReferenceKind, ReferenceRecord, XeroConnection

REVENUE_TYPES = {"REVENUE", "SALES", "OTHERINCOME"}


@dataclass(frozen=True)
class XeroOption:
    value: str  # what the mapping stores: account code, tax type, option or contact name
    label: str  # what a person reads: name and code
    name: str
    percentage: Decimal | None = None  # tax rates only
    data: dict | None = None


def account_option(record: ReferenceRecord) -> XeroOption:
    return XeroOption(record.code, f"{record.code} · {record.name}", record.name, data=record.data)


def tax_percentage(record: ReferenceRecord) -> Decimal | None:
    for key in ("EffectiveRate", "DisplayTaxRate"):
        try:
            return Decimal(str(record.data[key]))
        except (KeyError, InvalidOperation, ValueError):
            continue
    return None


def tax_option(record: ReferenceRecord) -> XeroOption:
    rate = tax_percentage(record)
    shown = f" ({rate.normalize():f}%)" if rate is not None else ""
    label = f"{record.name}{shown} · {record.code}"
    return XeroOption(record.code, label, record.name, percentage=rate, data=record.data)


class XeroOptions:
    """The connection's cached reference data, read once, sorted into per-type choices."""

    def __init__(self, connection: XeroConnection):
        def records(kind: str) -> list[ReferenceRecord]:
            return list(reference_records(connection=connection, kind=kind))

        self.accounts = [r for r in records(ReferenceKind.ACCOUNTS) if r.code]
        self.tax_rates = [r for r in records(ReferenceKind.TAX_RATES) if r.status == ACTIVE]
        self.tracking = [
            r for r in records(ReferenceKind.TRACKING_CATEGORIES) if r.status == ACTIVE
        ]
        self.contacts = sorted(
            (r for r in records(ReferenceKind.CONTACTS) if r.status == ACTIVE),
            key=lambda r: r.name.lower(),
        )

    def revenue(self) -> list[XeroOption]:
        return [
            account_option(r)
            for r in self.accounts
            if r.data.get("Type") in REVENUE_TYPES and check_account_for_lines(r, r.code) is None
        ]

    def payments(self) -> list[XeroOption]:
        return [
            account_option(r) for r in self.accounts if check_payment_account(r, r.code) is None
        ]

    def taxes(self) -> list[XeroOption]:
        return [tax_option(r) for r in self.tax_rates]

    def special(self, kind: str) -> list[XeroOption]:
        if kind == SpecialKind.CONTACT:
            return [XeroOption(r.name, r.name, r.name) for r in self.contacts]
        return [
            account_option(r)
            for r in self.accounts
            if check_account_for_lines(r, r.code, kind=kind) is None
        ]

    def tracking_categories(self) -> list[str]:
        return [r.code for r in self.tracking]

    def tracking_options(self, category: str) -> list[XeroOption]:
        record = next((r for r in self.tracking if r.code == category), None)
        if record is None:
            return []
        names = [o.get("Name", "") for o in record.data.get("Options", [])]
        return [
            XeroOption(name, name, name)
            for name in names
            if name and check_tracking(record, category, name) is None
        ]

    def for_key(self, mapping_type: str, pos_value: str) -> list[XeroOption]:
        if mapping_type == MappingType.REVENUE:
            return self.revenue()
        if mapping_type == MappingType.PAYMENTS:
            return self.payments()
        if mapping_type == MappingType.TAX:
            return self.taxes()
        if mapping_type == MappingType.TRACKING:
            return self.tracking_options(pos_value)
        return self.special(pos_value)
