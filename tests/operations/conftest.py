"""Operations fixtures: failed exports, a webhook receiver on a real port, a staff user."""

import datetime
import http.server
import json
import threading

import pytest
from django.core.cache import caches
from django.utils import timezone

from tests.factories import OutletFactory, XeroConnectionFactory
from xero_integration.models import ExportDocument, ExportStatus, Sale

XERO_LOCKED = (
    "The document date cannot be before the period lock date of 31 October 2026 "
    "(Xero: ValidationException)."
)


@pytest.fixture(autouse=True)
def fresh_health_cache():
    # The health answer is cached a second or two; each test starts without it.
    caches["local"].clear()
    yield
    caches["local"].clear()


@pytest.fixture
def export_outlet(merchant):
    outlet = OutletFactory.create(merchant=merchant, pos_station_id="S1", name="Front counter")
    XeroConnectionFactory.create(merchant=merchant, tenant_name="Harbour Cafe Pty Ltd")
    return outlet


def a_sale(outlet, sale_id, *, total="9.00", document=None, received_at=None, **fields):
    now = timezone.now()
    return Sale.objects.create(
        merchant=outlet.merchant,
        outlet=outlet,
        sale_id=sale_id,
        type=fields.pop("type", "sale"),
        occurred_at=now - datetime.timedelta(hours=1),
        business_date=fields.pop("business_date", now.date()),
        currency="AUD",
        total=total,
        payload={},
        content_hash=sale_id,
        document=document,
        received_at=received_at or now,
        **fields,
    )


def a_document(outlet, number, *, status=ExportStatus.SENT, total="9.00", **fields):
    connection = outlet.merchant.xero_connections.get(is_merchant_default=True)
    return ExportDocument.objects.create(
        outlet=outlet,
        connection=connection,
        kind=fields.pop("kind", "invoice"),
        grouping="per_sale",
        number=number,
        business_date=fields.pop("business_date", timezone.now().date()),
        currency="AUD",
        total=total,
        status=status,
        payments_status=fields.pop("payments_status", status),
        sent_at=timezone.now() if status == ExportStatus.SENT else None,
        **fields,
    )


def a_failed_document(outlet, number="POSS1-B1", error=XERO_LOCKED):
    document = a_document(outlet, number, status=ExportStatus.FAILED, last_error=error)
    a_sale(outlet, number, document=document)
    return document


class Receiver(http.server.ThreadingHTTPServer):
    """A POS platform's webhook endpoint: records what it gets, answers `replies` in turn."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.received: list[dict] = []
        self.replies: list[int] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/xero-bridge"

    def bodies(self) -> list[dict]:
        return [json.loads(item["body"]) for item in self.received]


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append({"headers": dict(self.headers), "body": body})
        status = self.server.replies.pop(0) if self.server.replies else 204
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):  # quiet
        pass


@pytest.fixture
def receiver():
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
