"""A POS, a browser and a real worker against the service and the sandbox Xero, over HTTP.

Connect Xero, fetch its reference data, map, post sales, sync: every sale reaches Xero
exactly once and to the cent, even when Xero's answers are lost.
"""

import datetime
import time
from decimal import Decimal

import pytest
import requests

from tests.sandbox_helpers import sandbox_post, sandbox_state

from .conftest import (
    MERCHANT_ID,
    OTHER_MERCHANT_ID,
    STATION,
    UNKNOWN_OUTCOME_WAIT_SECONDS,
    wait_until,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCOPE = {"merchant_id": MERCHANT_ID, "pos_station_id": STATION}
PREFIX = "HC1"
# Valid against the sandbox's seed (sandbox_xero/seed.py): the demo AU chart of accounts.
MAPPINGS = {
    "revenue": [{"category": "*", "account_code": "200"}],
    "payments": [
        {"method": "card", "account_code": "090"},
        {"method": "cash", "account_code": "090"},
    ],
    "tax": [
        {"tax_code": "GST10", "tax_type": "OUTPUT"},
        {"tax_code": "NONE", "tax_type": "BASEXCLUDED"},
    ],
    "tracking": [{"tracking_category": "Region", "option": "Sydney"}],
    "special": [
        {"kind": "contact", "contact_name": "POS Sales"},
        {"kind": "rounding", "account_code": "860"},
        {"kind": "tips", "account_code": "260"},
        {"kind": "surcharge", "account_code": "260"},
    ],
}


# ---- what the POS sends --------------------------------------------------------------------


def line(description, unit_price, *, quantity="1", discount="0.00") -> dict:
    net = (Decimal(quantity) * Decimal(unit_price)).quantize(Decimal("0.01")) - Decimal(discount)
    return {
        "category": "food",
        "description": description,
        "quantity": quantity,
        "unit_price": unit_price,
        "discount": discount,
        "tax_code": "GST10",
        "tax_amount": str((net / 11).quantize(Decimal("0.01"))),  # GST-inclusive prices
    }


def sale(sale_id, lines, payments, *, sale_type="sale", refund_of=None, **extras) -> dict:
    occurred_at = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=2)
    return {
        "id": sale_id,
        "pos_station_id": STATION,
        "type": sale_type,
        "occurred_at": occurred_at.isoformat(),
        "currency": "AUD",
        "amounts_include_tax": True,
        "lines": lines,
        "payments": [{"method": m, "amount": a} for m, a in payments],
        "refund_of": refund_of,
        **extras,
    }


def day_of_sales() -> list[dict]:
    return [
        sale("B1", [line("Flat white", "4.50", quantity="2")], [("card", "9.00")]),
        sale(
            "B2",
            [line("Big breakfast", "24.00", discount="2.40")],
            [("card", "24.60")],
            tips="3.00",
        ),
        sale("B3", [line("Croissant", "5.33", quantity="3")], [("cash", "16.00")], rounding="0.01"),
        sale(
            "B4",
            [line("Cake", "6.50"), line("Tea", "4.20", quantity="2")],
            [("card", "15.12")],
            surcharge="0.22",
        ),
        sale(
            "B5",
            [line("Sandwich", "12.95", discount="1.30")],
            [("cash", "11.60")],
            rounding="-0.05",
        ),
        sale(
            "R1",
            [line("Flat white", "4.50")],
            [("card", "4.50")],
            sale_type="refund",
            refund_of="B1",
        ),
    ]


def pos_total(sales, sale_type) -> Decimal:
    # What the POS took (or gave back): its payments, which balance each sale.
    paid = (p["amount"] for s in sales if s["type"] == sale_type for p in s["payments"])
    return sum((Decimal(amount) for amount in paid), Decimal(0))


def numbers(sales, sale_type) -> list[str]:
    return sorted(f"{PREFIX}-{s['id']}" for s in sales if s["type"] == sale_type)


# ---- what the POS and the browser do -------------------------------------------------------


def connect_xero(pos, service) -> None:
    """The POS asks for the authorise URL; the merchant's browser follows it all the way back."""
    return_url = f"{service}/"
    reply = pos.get("/api/xero/connect", merchant_id=MERCHANT_ID, return_url=return_url)
    browser = requests.get(reply["authorize_url"], timeout=30)  # follows every redirect
    assert [r.status_code for r in browser.history] == [302, 302]  # Xero → our callback → POS
    assert browser.status_code == 200 and browser.url == return_url + "?status=connected"
    assert "<h1>xero-bridge</h1>" in browser.text  # the POS's page, here the landing page


def refresh_reference_data(pos, worker) -> None:
    body = {"merchant_id": MERCHANT_ID}
    reply = pos.post("/api/xero/reference-data/refresh", body, expected=202)
    worker.wait_for_task(reply["task_id"])
    accounts = pos.get("/api/xero/reference-data/accounts", merchant_id=MERCHANT_ID)
    assert "200" in {a["code"] for a in accounts["results"]}


def map_everything(pos) -> None:
    for mapping_type, items in MAPPINGS.items():
        body = {"merchant_id": MERCHANT_ID, "mappings": items}
        reply = pos.put(f"/api/xero/mappings/{mapping_type}", body)
        assert sorted(reply["mappings"], key=by_items) == sorted(items, key=by_items)


def by_items(mapping: dict) -> list:
    return sorted(mapping.items())


def export_per_sale(pos) -> None:
    body = {**SCOPE, "frequency": "realtime", "grouping": "per_sale", "number_prefix": PREFIX}
    reply = pos.put("/api/xero/export-settings", body)
    chosen = (reply["frequency"], reply["grouping"], reply["number_prefix"])
    assert chosen == ("realtime", "per_sale", PREFIX)


def post_sales(pos, sales) -> None:
    reply = pos.post("/api/xero/sales", {"merchant_id": MERCHANT_ID, "sales": sales})
    assert reply["accepted"] == len(sales), reply["results"]


def sync(pos) -> str:
    reply = pos.post("/api/xero/sync", SCOPE, expected=202)
    assert reply["waiting"] == [], reply
    (queued,) = reply["queued"]
    return queued["task_id"]


def status(pos) -> dict:
    return pos.get("/api/xero/status", **SCOPE)


def tenant_id(pos) -> str:
    return status(pos)["connection"]["tenant_id"]


def xero_documents(sandbox, tenant_id) -> dict:
    """What the sandbox Xero holds, amounts parsed as Decimal (never through float)."""
    params = {"tenant_id": tenant_id}
    reply = requests.get(f"{sandbox}/_sandbox/documents", params=params, timeout=10)
    return reply.json(parse_float=Decimal)


def assert_exactly_once(documents, sales) -> None:
    """Every sale once in Xero, paid, and the totals equal to what the POS took, to the cent."""
    invoices, credit_notes = documents["Invoices"], documents["CreditNotes"]
    assert sorted(i["InvoiceNumber"] for i in invoices) == numbers(sales, "sale")
    assert sorted(c["CreditNoteNumber"] for c in credit_notes) == numbers(sales, "refund")
    assert sum(i["Total"] for i in invoices) == pos_total(sales, "sale")
    assert sum(c["Total"] for c in credit_notes) == pos_total(sales, "refund")
    assert {i["Status"] for i in invoices} == {"PAID"}
    assert {c["Status"] for c in credit_notes} == {"PAID"}
    assert {i["AmountDue"] for i in invoices} == {0}
    assert {c["RemainingCredit"] for c in credit_notes} == {0}


@pytest.fixture
def ready(pos, service, worker):
    """Connected, reference data fetched, everything mapped, the outlet exporting per sale."""
    connect_xero(pos, service)
    refresh_reference_data(pos, worker)
    map_everything(pos)
    export_per_sale(pos)
    return pos


def everything_exported(pos):
    current = status(pos)
    return current if current["pending_exports"] == 0 and current["pending_sales"] == 0 else None


# ---- the tests -----------------------------------------------------------------------------


def test_pos_connects_xero_and_maps_an_outlet_ready_to_export(pos, service, worker):
    assert status(pos)["can_export"] is False  # nothing connected yet

    connect_xero(pos, service)
    refresh_reference_data(pos, worker)
    map_everything(pos)

    current = status(pos)
    assert current["missing_mappings"] == [] and current["invalid_mappings"] == []
    assert current["can_export"] is True and current["reasons"] == []
    assert current["connection"]["status"] == "active"
    assert current["connection"]["tenant_name"] == "Demo Company (AU)"
    # Another merchant is out of the key's scope: 404, like an unknown one.
    pos.get("/api/xero/status", expected=404, merchant_id=OTHER_MERCHANT_ID)


def test_a_double_sync_exports_every_sale_exactly_once_to_the_cent(ready, sandbox, worker):
    sales = day_of_sales()
    post_sales(ready, sales)

    first, second = sync(ready), sync(ready)  # a double click on "sync now"
    runs = [worker.wait_for_task(first).result, worker.wait_for_task(second).result]
    wait_until(lambda: everything_exported(ready), "the exports to finish", worker)

    assert sum(run["sent_documents"] for run in runs) == len(sales)  # the second found it done
    assert_exactly_once(xero_documents(sandbox, tenant_id(ready)), sales)
    assert status(ready)["failed_exports"] == 0
    logs = ready.get("/api/xero/logs", merchant_id=MERCHANT_ID)["results"]
    creates = [log for log in logs if log["operation"] == "create_invoices"]
    assert creates and {log["status"] for log in creates} == {"success"}
    stamps = [log["created_at"] for log in logs]
    assert stamps == sorted(stamps, reverse=True)  # newest first


def test_lost_responses_from_xero_still_export_every_sale_once(ready, sandbox, worker):
    sales = day_of_sales()
    post_sales(ready, sales)
    # Xero stores the batch of invoices, but its first four answers are lost.
    lost = {"kind": "drop_after_store", "count": 4, "path_contains": "Invoices", "method": "PUT"}
    sandbox_post(sandbox, "faults", lost)

    # The first run loses 1 + XERO_MAX_RETRIES answers, a later run's single resend under
    # the same Idempotency-Key loses the fourth, and the next one gets Xero's stored answer.
    for _ in range(6):
        worker.wait_for_task(sync(ready))
        if everything_exported(ready):
            break
        time.sleep(UNKNOWN_OUTCOME_WAIT_SECONDS + 0.2)
    wait_until(lambda: everything_exported(ready), "the exports to finish", worker)

    served = sandbox_state(sandbox)["faults"]["served"]
    assert served and {f["kind"] for f in served} == {"drop_after_store"}  # the answers were lost
    assert_exactly_once(xero_documents(sandbox, tenant_id(ready)), sales)
    assert status(ready)["failed_exports"] == 0
