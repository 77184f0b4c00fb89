"""Storing validated sales: idempotent by the POS's sale id, one transaction per request."""

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from outlets.business_day import business_date
from outlets.models import Merchant, Outlet
from xero_integration.models import Sale, SaleKey

from .keys import mapping_keys
from .money import to_amount, to_unit_price
from .types import SaleData, sale_to_json
from .validation import SALE_ID_PATTERN, SaleErrors, parse_sale

ACCEPTED, DUPLICATE, CONFLICT, REJECTED = "accepted", "duplicate", "conflict", "rejected"
UNKNOWN_OUTLET = "Unknown outlet '{station}' for merchant '{merchant}'."
INACTIVE_OUTLET = "Outlet '{station}' is inactive."
CONFLICTING_SALE = (
    "Sale '{sale_id}' was already received with different content; nothing was changed."
)
UNKNOWN_REFUNDED_SALE = "Refund of unknown sale '{sale_id}'."


@dataclass
class SaleResult:
    id: str | None
    status: str
    errors: dict[str, list[str]] = field(default_factory=dict)


def content_hash(sale: SaleData) -> str:
    """A hash of the sale's meaning: "4.5" and "4.50" are the same price."""
    normal = sale_to_json(sale)
    normal["occurred_at"] = sale.occurred_at.astimezone(datetime.UTC).isoformat()
    for line in normal["lines"]:
        for key in ("quantity", "unit_price"):
            line[key] = str(to_unit_price(Decimal(line[key])))
        for key in ("discount", "tax_amount"):
            line[key] = str(to_amount(Decimal(line[key])))
    for key in ("tips", "surcharge", "rounding"):
        normal[key] = str(to_amount(Decimal(normal[key])))
    for payment in normal["payments"]:
        payment["amount"] = str(to_amount(Decimal(payment["amount"])))
    return hashlib.sha256(json.dumps(normal, sort_keys=True).encode()).hexdigest()


class Batch:
    """The state of one ingest request: what is stored already and what it adds."""

    def __init__(self, merchant: Merchant, raw_sales: list[Any]):
        self.merchant = merchant
        self.outlets = {
            o.pos_station_id: o for o in merchant.outlets.select_related("export_settings")
        }
        wanted = [
            s.get(key) for s in raw_sales if isinstance(s, dict) for key in ("id", "refund_of")
        ]
        self.stored = {
            s.sale_id: s
            for s in Sale.objects.filter(merchant=merchant, sale_id__in=possible_ids(wanted))
        }
        self.new: dict[str, Sale] = {}
        self.keys: dict[str, list[tuple[str, str]]] = {}

    def known_sale(self, sale_id: str) -> Sale | None:
        return self.new.get(sale_id) or self.stored.get(sale_id)


def possible_ids(values: list[Any]) -> set[str]:
    """The values that could be stored sale ids: looked up before each sale is validated,
    and a value the database cannot hold (a NUL, on PostgreSQL) would fail the query."""
    texts = (v.strip() for v in values if isinstance(v, str))
    return {v for v in texts if SALE_ID_PATTERN.match(v)}


def outlet_of(batch: Batch, station: str) -> Outlet:
    outlet = batch.outlets.get(station)
    if outlet is None:
        raise SaleErrors(
            {
                "pos_station_id": [
                    UNKNOWN_OUTLET.format(station=station, merchant=batch.merchant.merchant_id)
                ]
            }
        )
    if not outlet.is_active:
        raise SaleErrors({"pos_station_id": [INACTIVE_OUTLET.format(station=station)]})
    return outlet


def sale_row(batch: Batch, outlet: Outlet, sale: SaleData, digest: str) -> Sale:
    refunded = batch.known_sale(sale.refund_of) if sale.refund_of else None
    if sale.refund_of and refunded is None:
        raise SaleErrors({"refund_of": [UNKNOWN_REFUNDED_SALE.format(sale_id=sale.refund_of)]})
    settings = outlet.export_settings
    return Sale(
        merchant=batch.merchant,
        outlet=outlet,
        sale_id=sale.sale_id,
        type=sale.type,
        occurred_at=sale.occurred_at,
        currency=sale.currency,
        total=sale.total,
        business_date=business_date(
            sale.occurred_at, timezone=outlet.timezone, start_hour=settings.business_day_start_hour
        ),
        payload=sale_to_json(sale),
        content_hash=digest,
        refund_of=refunded,
    )


def ingest_one(batch: Batch, raw: Any, now: datetime.datetime) -> SaleResult:
    sale_id = raw.get("id") if isinstance(raw, dict) else None
    try:
        sale = parse_sale(
            raw, default_amounts_include_tax=batch.merchant.amounts_include_tax, now=now
        )
        outlet = outlet_of(batch, raw["pos_station_id"])
        digest = content_hash(sale)
        existing = batch.known_sale(sale.sale_id)
        if existing is not None:
            same = existing.content_hash == digest and existing.outlet_id == outlet.pk
            return SaleResult(
                sale.sale_id,
                DUPLICATE if same else CONFLICT,
                {} if same else {"id": [CONFLICTING_SALE.format(sale_id=sale.sale_id)]},
            )
        batch.new[sale.sale_id] = sale_row(batch, outlet, sale, digest)
        batch.keys[sale.sale_id] = mapping_keys(sale)
        return SaleResult(sale.sale_id, ACCEPTED)
    except SaleErrors as exc:
        return SaleResult(sale_id if isinstance(sale_id, str) else None, REJECTED, exc.errors)


def ingest_sales(*, merchant: Merchant, raw_sales: list[Any]) -> list[SaleResult]:
    """Validate each sale on its own and store the accepted ones in one transaction.

    Two requests carrying the same new sale at once: the loser's transaction hits the
    unique constraint and is run again, when it sees the winner's row as a duplicate.
    """
    for attempt in range(2):
        try:
            return store(merchant, raw_sales)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def store(merchant: Merchant, raw_sales: list[Any]) -> list[SaleResult]:
    batch = Batch(merchant, raw_sales)
    now = timezone.now()
    results = [ingest_one(batch, raw, now) for raw in raw_sales]
    save_new_sales(list(batch.new.values()))
    SaleKey.objects.bulk_create(
        SaleKey(sale=row, outlet=row.outlet, type=type_, key=key)
        for row in batch.new.values()
        for type_, key in batch.keys[row.sale_id]
    )
    return results


def save_new_sales(rows: list[Sale]) -> None:
    """One INSERT for the batch's sales (not one per sale), then one for the refunds of
    sales sent earlier in the same request: a row can only point at a saved row."""
    while rows:
        ready = [r for r in rows if r.refund_of is None or r.refund_of.pk is not None]
        # A refund only ever points at a stored sale or one earlier in the request.
        assert ready, "refunds pointing at each other"
        Sale.objects.bulk_create(ready)
        rows = [r for r in rows if r.pk is None]
