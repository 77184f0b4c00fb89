"""The one-command demo's job (`manage.py run_demo`, Procfile.dev's `demo`) against the sandbox
Xero and the service on a real port: connected through the OAuth flow, mapped by the
suggestions, a day of sales for two outlets, exported, and where to look printed."""

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from outlets.services import authenticate_api_key
from tests.sandbox_helpers import sandbox_documents
from xero_integration.models import ExportDocument, ExportStatus, Sale, SyncLog, XeroConnection

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def printed(service, settings) -> str:
    settings.DEBUG = True  # run_demo is for development machines only
    out = io.StringIO()
    call_command("run_demo", stdout=out)
    return out.getvalue()


def test_the_demo_connects_maps_feeds_and_exports_a_day_for_two_outlets(printed, sandbox):
    connection = XeroConnection.objects.get(merchant__merchant_id="demo-merchant")
    in_xero = sandbox_documents(sandbox, connection.tenant_id)

    assert SyncLog.objects.filter(operation="oauth.token_exchange").exists()  # the real OAuth flow
    assert set(Sale.objects.values_list("outlet__pos_station_id", flat=True)) == {
        "demo-station-1",
        "demo-station-2",
    }
    assert not Sale.objects.filter(document__isnull=True).exists()
    assert not ExportDocument.objects.exclude(status=ExportStatus.SENT).exists()
    # One summary invoice and one refund credit note per outlet, each totalling the POS's.
    assert len(in_xero["Invoices"]) == 2 and len(in_xero["CreditNotes"]) == 2
    sales = sum(s.total for s in Sale.objects.filter(type="sale"))
    assert sum(Decimal(str(i["Total"])) for i in in_xero["Invoices"]) == sales


def test_the_demo_says_where_to_look(printed, service):
    found = re.search(r"API key:\s+(\S+)", printed)
    assert found, printed
    key = found.group(1)

    assert f"Landing page: {service}/" in printed
    assert re.search(rf"Setup page:   {service}/admin/outlets/merchant/\d+/setup/", printed)
    assert f"Admin login:  {service}/admin/ (admin / admin)" in printed
    assert f"API docs:     {service}/api/docs/" in printed
    assert authenticate_api_key(key) is not None
