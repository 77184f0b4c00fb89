"""Writes of mappings."""

from django.db import transaction

from outlets.models import Merchant, Outlet

from .models import Mapping


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
