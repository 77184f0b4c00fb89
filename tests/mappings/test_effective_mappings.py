from mappings.selectors import effective_mappings
from tests.factories import MappingFactory, OutletFactory


def test_outlet_override_beats_merchant_default(outlet):
    MappingFactory.create(merchant=outlet.merchant, pos_value="coffee", xero_value="200")
    MappingFactory.create(
        merchant=outlet.merchant, outlet=outlet, pos_value="coffee", xero_value="210"
    )

    assert effective_mappings(outlet=outlet).revenue_account("coffee") == "210"


def test_merchant_default_beats_wildcard(outlet):
    MappingFactory.create(merchant=outlet.merchant, pos_value="*", xero_value="260")
    MappingFactory.create(merchant=outlet.merchant, pos_value="coffee", xero_value="200")

    assert effective_mappings(outlet=outlet).revenue_account("coffee") == "200"


def test_unmapped_category_falls_back_to_wildcard(outlet):
    MappingFactory.create(merchant=outlet.merchant, pos_value="*", xero_value="260")

    assert effective_mappings(outlet=outlet).revenue_account("pastry") == "260"


def test_unmapped_category_without_wildcard_has_no_account(outlet):
    assert effective_mappings(outlet=outlet).revenue_account("pastry") is None


def test_another_outlets_override_does_not_apply(outlet):
    sibling = OutletFactory.create(merchant=outlet.merchant, pos_station_id="S2")
    MappingFactory.create(merchant=outlet.merchant, pos_value="coffee", xero_value="200")
    MappingFactory.create(
        merchant=outlet.merchant, outlet=sibling, pos_value="coffee", xero_value="210"
    )

    assert effective_mappings(outlet=outlet).revenue_account("coffee") == "200"


def test_another_merchants_mappings_do_not_apply(outlet, other_merchant):
    MappingFactory.create(merchant=other_merchant, pos_value="*", xero_value="999")

    assert effective_mappings(outlet=outlet).revenue_account("coffee") is None


def test_overrides_apply_per_type(outlet):
    MappingFactory.create(
        merchant=outlet.merchant, type="payments", pos_value="card", xero_value="090"
    )
    MappingFactory.create(
        merchant=outlet.merchant, outlet=outlet, type="tax", pos_value="GST10", xero_value="OUTPUT"
    )

    mappings = effective_mappings(outlet=outlet)

    assert mappings.payments == {"card": "090"}
    assert mappings.tax == {"GST10": "OUTPUT"}
