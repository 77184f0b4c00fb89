"""The support pages: times in the outlet's zone, CSV downloads, Open in Xero, empty states."""

import csv
import datetime
import io

from django.urls import reverse

from tests.xero_integration.admin.test_exports import CHANGELIST, XERO_SAYS, document, sale
from xero_integration.models import ReferenceSnapshot, SyncLog

SYDNEY_MORNING = datetime.datetime(2026, 11, 29, 21, 1, tzinfo=datetime.UTC)  # 08:01 AEDT


def test_a_sale_time_renders_in_the_outlets_zone(admin_client, outlet):
    outlet.timezone = "Australia/Sydney"
    outlet.save()
    stored = sale(outlet)
    type(stored).objects.filter(pk=stored.pk).update(occurred_at=SYDNEY_MORNING)

    page = admin_client.get(reverse("admin:xero_integration_sale_changelist")).content.decode()
    detail = admin_client.get(
        reverse("admin:xero_integration_sale_change", args=[stored.pk])
    ).content.decode()

    assert "2026-11-30 08:01:00 Australia/Sydney" in page
    assert "2026-11-30 08:01:00 Australia/Sydney" in detail


def test_a_call_without_an_outlet_is_labelled_utc(admin_client, merchant):
    log = SyncLog.objects.create(
        operation="get_accounts", merchant=merchant, method="GET", url="/", correlation_id="c"
    )
    SyncLog.objects.filter(pk=log.pk).update(created_at=SYDNEY_MORNING)

    page = admin_client.get(reverse("admin:xero_integration_synclog_changelist")).content.decode()

    assert "2026-11-29 21:01:00 UTC" in page


def test_export_documents_download_as_csv_with_xeros_message(admin_client, outlet, connection):
    failed = document(outlet, connection)

    response = admin_client.post(
        reverse(CHANGELIST), {"action": "download_csv", "_selected_action": [failed.pk]}
    )

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Disposition"] == 'attachment; filename="export-documents.csv"'
    assert [(r["number"], r["total"], r["last_error"]) for r in rows] == [
        ("POSS1-0001", "10.50", XERO_SAYS)
    ]


def test_a_sent_document_opens_in_its_xero_organisation(admin_client, outlet, connection):
    ReferenceSnapshot.objects.update_or_create(
        connection=connection,
        kind="organisation",
        defaults={"refreshed_at": SYDNEY_MORNING, "data": {"ShortCode": "!abc12"}},
    )
    sent = document(outlet, connection, status="sent", xero_id="inv-1", last_error="")

    page = admin_client.get(
        reverse("admin:xero_integration_exportdocument_change", args=[sent.pk])
    ).content.decode()

    assert (
        "https://go.xero.com/organisationlogin/default.aspx?shortcode=%21abc12&amp;"
        "redirecturl=%2FAccountsReceivable%2FView.aspx%3FInvoiceID%3Dinv-1"
    ) in page


def test_an_empty_export_list_says_what_to_do_next(admin_client):
    page = admin_client.get(reverse(CHANGELIST)).content.decode()

    assert "open the merchant&#x27;s setup page" in page


def test_the_admin_carries_the_products_name(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()

    assert (
        "<title>Point of sale to Xero: merchants, mappings, exports | xero-bridge admin</title>"
        in page
    )
    assert "Django administration" not in page


def test_times_without_a_zone_are_labelled_utc_on_every_admin_page(admin_client, connection):
    page = admin_client.get(reverse("admin:xero_integration_xeroconnection_changelist"))

    assert "times in UTC unless a zone is named" in page.content.decode()
