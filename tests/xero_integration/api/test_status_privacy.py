"""Status for one merchant never names another merchant or its outlets.

Two merchants may send to one Xero organisation (a franchise's books); when their outlets'
document number prefixes clash, each is told to change its own prefix, without learning
who the other merchant is.
"""

from tests.factories import XeroConnectionFactory

URL = "/api/xero/status"


def test_number_clash_with_another_merchants_outlet_does_not_name_it(
    api, connection, outlet, other_outlet
):
    XeroConnectionFactory.create(merchant=other_outlet.merchant, tenant_id=connection.tenant_id)

    body = api.get(URL, {"merchant_id": "M-ALLOWED", "pos_station_id": "S1"}).json()

    assert body["can_export"] is False
    assert "Other Bakery" not in str(body["reasons"])
