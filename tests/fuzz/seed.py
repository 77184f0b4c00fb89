"""The fuzz run's data (scripts/fuzz): a merchant connected to the sandbox Xero, mapped, with
a sale exported, and an API key for it, printed alone on the last line.

The merchant and outlet are the ones the schema's examples name (merchant_id "M", station
"S1"), so the fuzzer's requests reach past the 404 of an unknown merchant. Run with the
service's settings pointing at the sandbox: `python -m tests.fuzz.seed`.
"""

import datetime
import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.test import Client
    from django.utils import timezone

    from outlets.services import create_api_client, create_merchant, create_outlet
    from tests.sandbox_helpers import ready_connection
    from xero_integration.exports.engine import export_connection
    from xero_integration.sales.services import ingest_sales

    merchant, _ = create_merchant(merchant_id="M", name="Harbour Cafe")
    create_merchant(merchant_id="M-OTHER", name="Other Bakery")  # out of the key's scope
    create_outlet(
        merchant_id="M", pos_station_id="S1", name="Front counter", timezone_name="Australia/Sydney"
    )
    connection = ready_connection(Client(), merchant)
    an_hour_ago = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
    ingest_sales(merchant=merchant, raw_sales=[sale(an_hour_ago)])
    export_connection(connection_id=connection.pk)
    print(create_api_client(name="Fuzzer", merchant_ids=["M"]).key)


def sale(occurred_at: str) -> dict:
    return {
        "id": "S1-1",
        "pos_station_id": "S1",
        "type": "sale",
        "occurred_at": occurred_at,
        "currency": "AUD",
        "lines": [
            {"category": "coffee", "quantity": "2", "unit_price": "4.50", "tax_code": "GST10"}
        ],
        "payments": [{"method": "card", "amount": "9.00"}],
    }


if __name__ == "__main__":
    main()
