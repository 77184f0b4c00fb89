"""The merchants, outlets and Xero organisations the benchmarks export for."""

import datetime
import itertools
from dataclasses import dataclass

from django.test import Client
from django.utils import timezone

from outlets.models import Merchant, Outlet
from outlets.services import create_api_client, create_merchant, create_outlet
from outlets.services import update_export_settings as change_export_settings
from tests.sandbox_helpers import ready_connection
from xero_integration.models import XeroConnection
from xero_integration.sales.services import ingest_sales

from .sales import SaleMaker

TIMEZONE = "Australia/Sydney"
# The sandbox gives every merchant the same organisation, where numbers must not clash.
SHOP_NUMBERS = itertools.count(1)


@dataclass
class Shop:
    merchant: Merchant
    outlets: list[Outlet]
    connection: XeroConnection | None
    maker: SaleMaker
    api_key: str = ""


def open_shop(merchant_id: str, *, outlets: int, grouping: str = "per_sale", connect: bool) -> Shop:
    """A merchant with its outlets (realtime exports), connected to the sandbox and mapped."""
    merchant, _ = create_merchant(merchant_id=merchant_id, name=f"Bench {merchant_id}")
    made, shop_number = [], next(SHOP_NUMBERS)
    for n in range(outlets):
        outlet, _ = create_outlet(
            merchant_id=merchant_id,
            pos_station_id=f"S{n}",
            name=f"Till {n}",
            timezone_name=TIMEZONE,
        )
        change_export_settings(
            outlet=outlet,
            grouping=grouping,
            frequency="realtime",
            number_prefix=f"B{shop_number}-{n}",
        )
        made.append(outlet)
    connection = ready_connection(Client(), merchant) if connect else None
    key = create_api_client(name=f"POS {merchant_id}", merchant_ids=[merchant_id]).key
    return Shop(merchant, made, connection, SaleMaker(merchant_id), key)


def fill_backlog(shop: Shop, sales: int, *, days: int = 1) -> None:
    """`sales` sales spread over the outlets and the last `days` days (ended business days
    for summaries), stored as the API stores them."""
    now = timezone.now()
    batch: list[dict] = []
    for n in range(sales):
        outlet = shop.outlets[n % len(shop.outlets)]
        day = n % days
        when = now - datetime.timedelta(days=day + (1 if days > 1 else 0), minutes=5 + n % 50)
        batch.append(shop.maker.sale(outlet.pos_station_id, when))
        if len(batch) == 500:
            ingest_sales(merchant=shop.merchant, raw_sales=batch)
            batch = []
    if batch:
        ingest_sales(merchant=shop.merchant, raw_sales=batch)
