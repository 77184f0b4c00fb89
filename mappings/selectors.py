"""Reads of mappings: what applies at an outlet after overrides."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet

from outlets.models import Outlet

from .models import ON_ACCOUNT, WILDCARD_CATEGORY, Mapping, MappingType, SpecialKind


@dataclass(frozen=True)
class EffectiveMappings:
    """The mappings that apply at one outlet, by type, as {pos_value: xero_value}."""

    revenue: dict[str, str] = field(default_factory=dict)
    payments: dict[str, str] = field(default_factory=dict)
    tax: dict[str, str] = field(default_factory=dict)
    tracking: dict[str, str] = field(default_factory=dict)
    special: dict[str, str] = field(default_factory=dict)

    def of_type(self, mapping_type: str) -> dict[str, str]:
        return getattr(self, mapping_type)

    def revenue_account(self, category: str) -> str | None:
        """The account for a POS category, falling back to the `*` default."""
        return self.revenue.get(category) or self.revenue.get(WILDCARD_CATEGORY)

    def payment_account(self, method: str) -> str | None:
        """The account for a payment method; gift cards fall back to the gift-card liability."""
        account = self.payments.get(method)
        if not account and method == SpecialKind.GIFT_CARD:
            account = self.special.get(SpecialKind.GIFT_CARD)
        return account

    def on_account_methods(self) -> set[str]:
        """Payment methods paid later: their sales are invoiced to the customer, left open."""
        return {method for method, value in self.payments.items() if value == ON_ACCOUNT}

    def resolve(self, mapping_type: str, pos_value: str) -> str | None:
        """The Xero value a POS value maps to here, or None when it is unmapped."""
        if mapping_type == MappingType.REVENUE:
            return self.revenue_account(pos_value)
        if mapping_type == MappingType.PAYMENTS:
            return self.payment_account(pos_value)
        return self.of_type(mapping_type).get(pos_value)


def mappings_at_scope(
    *, merchant_id: int, outlet: Outlet | None, mapping_type: str
) -> QuerySet[Mapping]:
    """The rows set exactly at one scope (merchant level when outlet is None)."""
    return Mapping.objects.filter(merchant_id=merchant_id, outlet=outlet, type=mapping_type)


def tracking_categories(
    *, merchant_id: int, outlet: Outlet | None = None, excluding_pk: int | None = None
) -> set[str]:
    """Tracking categories mapped at the merchant level, plus the outlet's own when given."""
    rows = Mapping.objects.filter(merchant_id=merchant_id, type=MappingType.TRACKING)
    in_scope = Q(outlet__isnull=True)
    if outlet is not None and outlet.pk is not None:  # a new outlet has no rows yet
        in_scope |= Q(outlet=outlet)
    rows = rows.filter(in_scope)
    if excluding_pk is not None:
        rows = rows.exclude(pk=excluding_pk)
    return set(rows.values_list("pos_value", flat=True))


def merged(rows: Iterable[Mapping]) -> EffectiveMappings:
    by_type: dict[str, dict[str, str]] = {t: {} for t in MappingType.values}
    # Merchant rows first so outlet rows overwrite them.
    for row in sorted(rows, key=lambda r: r.outlet_id is not None):
        by_type[row.type][row.pos_value] = row.xero_value
    return EffectiveMappings(**by_type)


def merchant_default_mappings(*, merchant_id: int) -> EffectiveMappings:
    return merged(Mapping.objects.filter(merchant_id=merchant_id, outlet__isnull=True))


def effective_mappings(*, outlet: Outlet) -> EffectiveMappings:
    """Merchant defaults with this outlet's overrides laid over them, key by key.

    So an outlet override beats the merchant's mapping of the same key, and a specific
    revenue category (at either level) beats the `*` default.
    """
    return merged(
        Mapping.objects.filter(merchant_id=outlet.merchant_id, outlet__isnull=True)
        | Mapping.objects.filter(outlet=outlet)
    )


def mappings_state(*, merchant_id: int) -> str:
    """A value that changes whenever any of the merchant's mappings is added, changed or
    deleted (the row count and the latest change): work held on a mapping waits for it."""
    state = Mapping.objects.filter(merchant_id=merchant_id).aggregate(
        rows=Count("pk"), changed=Max("updated_at")
    )
    changed = state["changed"].isoformat() if state["changed"] else "-"
    return f"{state['rows']}:{changed}"
