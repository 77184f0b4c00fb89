"""The one-command demo's job (scripts/run): the whole job on the sandbox Xero.

The demo merchant is connected through the real OAuth flow (this process plays the
merchant's browser: the sandbox approves and sends it to the running web process's
callback), Xero's reference data is fetched, the suggested mappings are accepted as a
person would on the mapping editor, a day of sales arrives for two outlets, and it is
exported. Then it says where to look.
"""

import datetime
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from outlets.business_day import business_date
from outlets.demo import DEMO_MERCHANT_ID, DEMO_STATION_ID, set_up_demo
from outlets.models import Merchant
from outlets.services import create_outlet

from ..connection import oauth
from ..connection.reference_data import refresh_reference_data
from ..connection.selectors import connection_for
from ..exports.due import request_export_now
from ..exports.engine import export_connection
from ..models import ConnectionStatus, ExportDocument, ExportStatus, XeroConnection
from ..sales.services import ingest_sales
from .demo_sales import day_of_sales
from .editor import editor_sections, save_editor

SECOND_STATION = ("demo-station-2", "Demo Cafe - Kiosk")
LOCAL_HOSTS = ("127.0.0.1", "localhost")
WAIT_SECONDS = 60


class DemoNotPossible(Exception):
    """The demo's job cannot run here (no sandbox, the web process never came up)."""


@dataclass
class DemoResult:
    base_url: str
    merchant: Merchant
    api_key: str
    organisation: str
    sales: int
    sent_documents: int


def base_url() -> str:
    """The web process's address: the host of the OAuth callback it serves."""
    parts = urlsplit(settings.XERO_REDIRECT_URI)
    return f"{parts.scheme}://{parts.netloc}"


def wait_for(url: str, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (our own local URL)
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    raise DemoNotPossible(f"{what} did not answer at {url} within {WAIT_SECONDS} s.")


def connect_like_a_browser(merchant: Merchant) -> XeroConnection:
    """The real OAuth flow: our authorise URL, the sandbox's consent, our callback."""
    existing = connection_for(merchant=merchant)
    if existing is not None and existing.status == ConnectionStatus.ACTIVE:
        return existing
    authorize_url = oauth.start_authorisation(merchant=merchant)
    # urlopen follows the sandbox's redirect to the callback on the web process.
    with urllib.request.urlopen(authorize_url, timeout=30):  # noqa: S310 (the sandbox)
        pass
    connection = connection_for(merchant=merchant)
    if connection is None:
        raise DemoNotPossible("The OAuth callback stored no connection.")
    return connection


def accept_suggestions(merchant: Merchant, connection: XeroConnection) -> int:
    """What a person does on the mapping editor: keep what is set, accept each suggestion."""
    rows = [
        row for s in editor_sections(merchant=merchant, connection=connection) for row in s.rows
    ]
    result = save_editor(merchant=merchant, submitted={r.field_name: r.selected for r in rows})
    if result.errors:
        raise DemoNotPossible(f"The suggested mappings were refused: {result.errors}")
    return result.saved


def feed_yesterday(merchant: Merchant) -> int:
    """Yesterday's sales (a closed business day, so its summaries go now) for two outlets."""
    sales = []
    for outlet in merchant.outlets.select_related("export_settings"):
        start_hour = outlet.export_settings.business_day_start_hour
        today = business_date(timezone.now(), timezone=outlet.timezone, start_hour=start_hour)
        day = today - datetime.timedelta(days=1)
        sales += day_of_sales(day=day, station=outlet.pos_station_id, zone=outlet.timezone)
    results = ingest_sales(merchant=merchant, raw_sales=sales)
    refused = [r for r in results if r.status in ("rejected", "conflict")]
    if refused:
        raise DemoNotPossible(f"The POS's sales were refused: {refused[:3]}")
    return len(results)


def export_now(merchant: Merchant, connection: XeroConnection) -> int:
    """Export the day and wait until Xero has all of it. The worker may hold the
    organisation's claim when this runs (its scheduled tick): then it does the sending,
    and each pass here only finds the claim taken."""
    for outlet in merchant.outlets.select_related("export_settings"):
        request_export_now(outlet, timezone.now())
    deadline = time.monotonic() + WAIT_SECONDS
    while unsent(merchant) and time.monotonic() < deadline:
        export_connection(connection_id=connection.pk)
        if unsent(merchant):
            time.sleep(1)
    return ExportDocument.objects.filter(
        outlet__merchant=merchant, status=ExportStatus.SENT
    ).count()


def unsent(merchant: Merchant) -> bool:
    not_sent = Q(document__isnull=True) | ~Q(document__status=ExportStatus.SENT)
    return merchant.sales.filter(not_sent).exists()


def run_demo_job() -> DemoResult:
    if urlsplit(settings.XERO_AUTHORIZE_URL).hostname not in LOCAL_HOSTS:
        raise DemoNotPossible("Xero is not the local sandbox: connect from the setup page.")
    url = base_url()
    wait_for(f"{url}/healthz", "The web process")
    wait_for(settings.XERO_API_URL.rsplit("/api.xro", 1)[0] + "/_sandbox/state", "The sandbox")
    new_key = set_up_demo()
    create_outlet(
        merchant_id=DEMO_MERCHANT_ID,
        pos_station_id=SECOND_STATION[0],
        name=SECOND_STATION[1],
        timezone_name="Australia/Sydney",
    )
    merchant = Merchant.objects.get(merchant_id=DEMO_MERCHANT_ID)
    connection = connect_like_a_browser(merchant)
    refresh_reference_data(connection=connection)
    sales = feed_yesterday(merchant)
    accept_suggestions(merchant, connection)
    sent = export_now(merchant, connection)
    organisation = connection.tenant_name or connection.tenant_id
    return DemoResult(url, merchant, new_key.key, organisation, sales, sent)


def where_to_look(result: DemoResult, admin_login: str) -> list[str]:
    setup = reverse("admin:outlets_merchant_setup", args=[result.merchant.pk])
    return [
        f"The demo is ready: {result.sales} sales of yesterday for outlets {DEMO_STATION_ID} "
        f"and {SECOND_STATION[0]}, {result.sent_documents} documents in the sandbox Xero "
        f"({result.organisation}).",
        f"  Landing page: {result.base_url}/",
        f"  Setup page:   {result.base_url}{setup}",
        f"  Admin login:  {result.base_url}/admin/ ({admin_login})",
        f"  API docs:     {result.base_url}/api/docs/",
        f"  API key:      {result.api_key}  (merchant_id={DEMO_MERCHANT_ID})",
    ]
