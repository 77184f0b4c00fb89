"""Xero connections, sync logs and reference data in the admin: visible, read-only, no tokens."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import XeroConnectionFactory
from xero_integration.models import OAuthState, ReferenceRecord, SyncLog

ACCESS_TOKEN = "eyJ-secret-access-token-4f1c"
REFRESH_TOKEN = "secret-refresh-token-9b2e"


@pytest.fixture
def connection(merchant):
    return XeroConnectionFactory(
        merchant=merchant, tenant_name="Allowed Cafe Pty Ltd",
        access_token=ACCESS_TOKEN, refresh_token=REFRESH_TOKEN,
    )


def test_connection_changelist_shows_validity_but_never_tokens(admin_client, connection):
    response = admin_client.get(reverse("admin:xero_integration_xeroconnection_changelist"))

    assert response.status_code == 200
    assert b"Allowed Cafe Pty Ltd" in response.content
    assert b"valid until" in response.content
    assert ACCESS_TOKEN.encode() not in response.content
    assert REFRESH_TOKEN.encode() not in response.content


def test_connection_change_page_never_shows_tokens(admin_client, connection):
    response = admin_client.get(
        reverse("admin:xero_integration_xeroconnection_change", args=[connection.pk])
    )

    assert response.status_code == 200
    assert b"valid until" in response.content
    assert ACCESS_TOKEN.encode() not in response.content
    assert REFRESH_TOKEN.encode() not in response.content


def test_connections_needing_reconnect_are_one_filter_away(admin_client, connection):
    broken = XeroConnectionFactory(status="needs_reconnect")

    response = admin_client.get(
        reverse("admin:xero_integration_xeroconnection_changelist"),
        {"status__exact": "needs_reconnect"},
    )

    assert list(response.context["cl"].result_list) == [broken]


def test_connections_cannot_be_added_in_the_admin(admin_client):
    response = admin_client.get(reverse("admin:xero_integration_xeroconnection_add"))

    assert response.status_code == 403


def test_sync_log_pages_answer_and_are_read_only(admin_client, outlet, connection):
    log = SyncLog.objects.create(
        operation="create_invoice", merchant=outlet.merchant, outlet=outlet,
        connection=connection, method="PUT", url="https://api.xero.com/api.xro/2.0/Invoices",
        outcome="failed", http_status=400, error="Account code '999' is not a valid code",
        correlation_id="corr-123",
    )

    changelist = admin_client.get(reverse("admin:xero_integration_synclog_changelist"))
    change = admin_client.get(reverse("admin:xero_integration_synclog_change", args=[log.pk]))

    assert changelist.status_code == 200
    assert b"is not a valid code" in changelist.content
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert admin_client.get(reverse("admin:xero_integration_synclog_add")).status_code == 403
    delete_url = reverse("admin:xero_integration_synclog_delete", args=[log.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403


def test_sync_log_search_finds_a_correlation_id(admin_client, merchant):
    SyncLog.objects.create(operation="get_accounts", method="GET", url="/", correlation_id="a-1")
    wanted = SyncLog.objects.create(
        operation="get_accounts", method="GET", url="/", correlation_id="b-2"
    )

    response = admin_client.get(reverse("admin:xero_integration_synclog_changelist"), {"q": "b-2"})

    assert list(response.context["cl"].result_list) == [wanted]


def test_reference_record_pages_answer(admin_client, connection):
    record = ReferenceRecord.objects.create(
        connection=connection, kind="accounts", xero_id="a1", code="200", name="Sales",
        status="ACTIVE",
    )

    changelist = admin_client.get(reverse("admin:xero_integration_referencerecord_changelist"))
    change = admin_client.get(
        reverse("admin:xero_integration_referencerecord_change", args=[record.pk])
    )

    assert changelist.status_code == 200
    assert b"Sales" in changelist.content
    assert change.status_code == 200


def test_oauth_states_are_not_in_the_admin():
    assert not admin.site.is_registered(OAuthState)
