"""Exports and sales in the admin: what failed, what Xero said, replay and resolve."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_q.models import OrmQ

from tests.factories import OutletFactory
from xero_integration.models import ExportDocument, ExportStatus, Sale, SyncLog

XERO_SAYS = "A validation exception occurred: Account code '250' has been archived."
BODY = '{"Invoices": [{"InvoiceNumber": "POSS1-0001", "Total": 10.50, "LineItems": [{"UnitAmount": 4.5000}]}]}'
CHANGELIST = "admin:xero_integration_exportdocument_changelist"


def document(outlet, connection, number="POSS1-0001", **fields):
    fields = {
        "kind": "invoice",
        "grouping": "daily_summary",
        "business_date": datetime.date(2026, 11, 23),
        "currency": "AUD",
        "total": Decimal("10.50"),
        "status": ExportStatus.FAILED,
        "body": BODY,
        "attempts": 3,
        "last_error": XERO_SAYS,
        **fields,
    }
    return ExportDocument.objects.create(
        outlet=outlet, connection=connection, number=number, **fields
    )


def sale(outlet, sale_id="sale-1", in_document=None, **fields):
    return Sale.objects.create(
        merchant=outlet.merchant,
        outlet=outlet,
        sale_id=sale_id,
        type="sale",
        occurred_at=timezone.now(),
        business_date=datetime.date(2026, 11, 23),
        currency="AUD",
        total=Decimal("10.50"),
        content_hash="h",
        document=in_document,
        payload={"sale_id": sale_id, "lines": [{"name": "Flat white", "amount": "4.50"}]},
        **fields,
    )


def listed(admin_client, url_name, **params):
    response = admin_client.get(reverse(url_name), params)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def act(admin_client, action, documents):
    return admin_client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [d.pk for d in documents]},
        follow=True,
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def queries_to_render(client, url) -> int:
    with CaptureQueriesContext(db_connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# The export list


def test_failed_filter_answers_what_needs_me_including_failed_payments(
    admin_client, outlet, connection
):
    failed = document(outlet, connection, "POSS1-0001")
    payments_failed = document(
        outlet, connection, "POSS1-0002", status="sent", payments_status="failed"
    )
    document(outlet, connection, "POSS1-0003", status="sent", payments_status="sent")

    rows = listed(admin_client, CHANGELIST, status="failed")

    assert set(rows) == {failed, payments_failed}


def test_export_list_shows_xeros_message_and_finds_a_sale(admin_client, outlet, connection):
    wanted = document(outlet, connection, "POSS1-0001")
    document(outlet, connection, "POSS1-0002")
    sale(outlet, "sale-42", in_document=wanted)

    response = admin_client.get(reverse(CHANGELIST))

    assert escape("Account code '250' has been archived.") in response.text
    assert listed(admin_client, CHANGELIST, q="sale-42") == [wanted]


def test_export_list_filters_by_merchant(admin_client, outlet, other_outlet, connection):
    ours = document(outlet, connection)

    rows = listed(admin_client, CHANGELIST, outlet__merchant__id__exact=outlet.merchant.pk)

    assert rows == [ours]


def test_export_list_does_not_query_per_row(admin_client, outlet, connection):
    document(outlet, connection, "POSS1-0001")
    one = queries_to_render(admin_client, reverse(CHANGELIST))

    for n in range(2, 5):
        document(OutletFactory.create(merchant=outlet.merchant), connection, f"POSS1-000{n}")

    assert queries_to_render(admin_client, reverse(CHANGELIST)) == one


# One export


def test_change_page_shows_xeros_message_the_document_as_sent_and_its_sales(
    admin_client, outlet, connection
):
    failed = document(outlet, connection)
    sale(outlet, "sale-7", in_document=failed)

    response = admin_client.get(
        reverse("admin:xero_integration_exportdocument_change", args=[failed.pk])
    )

    assert response.status_code == 200
    assert (
        f'<p class="errornote" style="white-space: pre-wrap">{escape(XERO_SAYS)}</p>'
        in response.text
    )
    # Pretty-printed, with the amounts exactly as stored.
    assert escape('"Total": 10.50,') in response.text
    assert escape('"UnitAmount": 4.5000') in response.text
    assert "sale-7" in response.text
    assert 'name="_save"' not in response.text


def test_exports_cannot_be_added_or_deleted(admin_client, outlet, connection):
    failed = document(outlet, connection)

    assert admin_client.get(reverse("admin:xero_integration_exportdocument_add")).status_code == 403
    delete_url = reverse("admin:xero_integration_exportdocument_delete", args=[failed.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403


# Actions


def test_replay_resets_a_failed_export_to_pending_and_queues_its_organisation(
    admin_client, outlet, connection, django_capture_on_commit_callbacks
):
    failed = document(outlet, connection, "POSS1-0001")
    sent = document(outlet, connection, "POSS1-0002", status="sent", payments_status="sent")

    with django_capture_on_commit_callbacks(execute=True):
        response = act(admin_client, "replay", [failed, sent])

    assert messages_of(response) == [
        "Replayed 1 export; 1 skipped (only failed exports can be replayed)."
    ]
    failed.refresh_from_db()
    assert (failed.status, failed.payments_status, failed.attempts, failed.body) == (
        "pending",
        "pending",
        0,
        "",
    )
    task = OrmQ.objects.get().task
    assert (task["func"], task["args"]) == (
        "xero_integration.tasks.export_connection_task",
        (connection.pk,),
    )


def test_replay_of_nothing_failed_queues_nothing(admin_client, outlet, connection):
    sent = document(outlet, connection, status="sent", payments_status="sent")

    response = act(admin_client, "replay", [sent])

    assert messages_of(response) == [
        "Replayed 0 exports; 1 skipped (only failed exports can be replayed)."
    ]
    assert not OrmQ.objects.exists()


def test_mark_resolved_stops_retrying_and_keeps_the_record(admin_client, outlet, connection):
    failed = document(outlet, connection, "POSS1-0001")
    pending = document(outlet, connection, "POSS1-0002", status="pending")

    response = act(admin_client, "resolve", [failed, pending])

    assert messages_of(response) == [
        "Marked 1 export resolved outside Xero; 1 skipped (only failed exports can be resolved)."
    ]
    failed.refresh_from_db()
    pending.refresh_from_db()
    assert (failed.status, failed.payments_status, failed.last_error) == (
        "resolved",
        "resolved",
        XERO_SAYS,
    )
    assert pending.status == "pending"


@pytest.fixture
def viewer(db, client):
    user = User.objects.create_user("support", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_exportdocument"))
    client.force_login(user)
    return client


def test_staff_who_may_only_view_get_only_the_csv_download(viewer, outlet, connection):
    failed = document(outlet, connection)

    response = viewer.get(reverse(CHANGELIST))
    viewer.post(reverse(CHANGELIST), {"action": "replay", "_selected_action": [failed.pk]})

    assert response.status_code == 200
    offered = {name for name, _ in response.context["action_form"].fields["action"].choices}
    assert offered == {"", "download_csv"}  # reading, never changing
    failed.refresh_from_db()
    assert failed.status == "failed"


# Sales


def test_sale_list_shows_its_document_and_filters_sales_not_yet_in_one(
    admin_client, outlet, connection
):
    exported = sale(outlet, "sale-1", in_document=document(outlet, connection))
    waiting = sale(outlet, "sale-2")

    response = admin_client.get(reverse("admin:xero_integration_sale_changelist"))

    assert "POSS1-0001 (Failed)" in response.text
    assert listed(admin_client, "admin:xero_integration_sale_changelist", in_document="no") == [
        waiting
    ]
    assert listed(admin_client, "admin:xero_integration_sale_changelist", q="sale-1") == [exported]


def test_sale_page_shows_the_normalised_payload_and_is_read_only(admin_client, outlet):
    one = sale(outlet, "sale-1")

    response = admin_client.get(reverse("admin:xero_integration_sale_change", args=[one.pk]))

    assert response.status_code == 200
    assert escape('"amount": "4.50"') in response.text
    assert 'name="_save"' not in response.text
    assert admin_client.get(reverse("admin:xero_integration_sale_add")).status_code == 403


def test_sale_list_does_not_query_per_row(admin_client, outlet, connection):
    url = reverse("admin:xero_integration_sale_changelist")
    sale(outlet, "sale-1", in_document=document(outlet, connection))
    one = queries_to_render(admin_client, url)

    for n in range(2, 5):
        sale(
            OutletFactory.create(),
            f"sale-{n}",
            in_document=document(outlet, connection, f"POSS1-000{n}"),
        )

    assert queries_to_render(admin_client, url) == one


# Sync logs


def test_sync_logs_filter_by_outlet_and_show_and_find_document_numbers(
    admin_client, outlet, other_outlet
):
    ours = SyncLog.objects.create(
        operation="invoices.create",
        merchant=outlet.merchant,
        outlet=outlet,
        method="PUT",
        url="/",
        outcome="failed",
        correlation_id="c-1",
        documents=["POSS1-0001", "POSS1-0002"],
    )
    SyncLog.objects.create(
        operation="invoices.create",
        merchant=other_outlet.merchant,
        outlet=other_outlet,
        method="PUT",
        url="/",
        outcome="success",
        correlation_id="c-2",
        documents=["OTHER-1"],
    )
    url_name = "admin:xero_integration_synclog_changelist"

    response = admin_client.get(reverse(url_name))

    assert "POSS1-0001, POSS1-0002" in response.text
    assert listed(admin_client, url_name, outlet__id__exact=outlet.pk) == [ours]
    assert listed(admin_client, url_name, outcome__exact="failed") == [ours]
    assert listed(admin_client, url_name, q="POSS1-0002") == [ours]
