"""Figure 1: sales per second through POST /api/xero/sales under gunicorn (two concurrent
clients) against bulk_create of the same rows in one process."""

import threading
import time
from decimal import Decimal

import requests
from django.utils import timezone

from xero_integration.models import Sale, SaleKey
from xero_integration.sales.keys import mapping_keys
from xero_integration.sales.services import content_hash
from xero_integration.sales.types import sale_to_json
from xero_integration.sales.validation import parse_sale

from .measure import Figure, interleaved
from .world import Shop

CLIENTS = 2


def post_batches(url: str, shop: Shop, batches: list[list[dict]]) -> None:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {shop.api_key}"
    for sales in batches:
        reply = session.post(url, json={"merchant_id": shop.merchant.merchant_id, "sales": sales})
        reply.raise_for_status()
        assert reply.json()["accepted"] == len(sales), reply.text[:500]


def make_batches(shop: Shop, count: int, size: int) -> list[list[dict]]:
    now = timezone.now()
    station = shop.outlets[0].pos_station_id
    return [[shop.maker.sale(station, now) for _ in range(size)] for _ in range(count)]


def through_the_api(base_url: str, shop: Shop, size: int, batches_each: int) -> float:
    work = [make_batches(shop, batches_each, size) for _ in range(CLIENTS)]
    threads = [
        threading.Thread(target=post_batches, args=(f"{base_url}/api/xero/sales", shop, w))
        for w in work
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return CLIENTS * batches_each * size / (time.perf_counter() - started)


def rows_of(shop: Shop, raw_sales: list[dict]) -> tuple[list[Sale], list[tuple[int, list]]]:
    """The rows ingest would store for these sales, built before the clock starts."""
    outlet, now = shop.outlets[0], timezone.now()
    rows, keys = [], []
    for n, raw in enumerate(raw_sales):
        sale = parse_sale(raw, default_amounts_include_tax=True, now=now)
        rows.append(
            Sale(
                merchant=shop.merchant,
                outlet=outlet,
                sale_id=sale.sale_id,
                type=sale.type,
                occurred_at=sale.occurred_at,
                business_date=sale.occurred_at.date(),
                currency=sale.currency,
                total=Decimal(sale.total),
                payload=sale_to_json(sale),
                content_hash=content_hash(sale),
            )
        )
        keys.append((n, mapping_keys(sale)))
    return rows, keys


def with_bulk_create(shop: Shop, size: int, batches: int) -> float:
    raw = [s for batch in make_batches(shop, batches, size) for s in batch]
    rows, keys = rows_of(shop, raw)
    started = time.perf_counter()
    for first in range(0, len(rows), size):
        chunk = rows[first : first + size]
        Sale.objects.bulk_create(chunk)
        SaleKey.objects.bulk_create(
            SaleKey(sale=rows[n], outlet=rows[n].outlet, type=t, key=k)
            for n, pairs in keys[first : first + size]
            for t, k in pairs
        )
    return len(rows) / (time.perf_counter() - started)


def ingest_figures(base_url: str, shop: Shop, *, rounds: int, sales_per_round: int) -> list[Figure]:
    figures = []
    for size in (100, 500):
        batches_each = max(1, sales_per_round // (size * CLIENTS))
        rates = interleaved(
            rounds,
            {
                "api": lambda: through_the_api(base_url, shop, size, batches_each),
                "bulk_create": lambda: with_bulk_create(shop, size, batches_each * CLIENTS),
            },
        )
        ratio = rates["api"] / rates["bulk_create"]
        figures.append(
            Figure(
                name=f"1 ingest, batches of {size}",
                ratio=ratio,
                goal=">= 0.5",
                ok=ratio >= 0.5,
                detail=f"{rates['api']:,.0f} vs {rates['bulk_create']:,.0f} sales/s",
                values={"api_sales_per_s": rates["api"], "bulk_sales_per_s": rates["bulk_create"]},
            )
        )
    return figures
