"""Xero connections, sync logs and reference data in the admin: visible, read-only, no tokens."""

import pytest
import requests
import responses
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from tests.factories import XeroConnectionFactory
from xero_integration.connection import oauth
from xero_integration.models import OAuthState, ReferenceRecord, SyncLog

ACCESS_TOKEN = "eyJ-secret-access-token-4f1c"
REFRESH_TOKEN = "secret-refresh-token-9b2e"


@pytest.fixture
def connection(merchant):
    return XeroConnectionFactory.create(
        merchant=merchant,
        tenant_name="Allowed Cafe Pty Ltd",
        access_token=ACCESS_TOKEN,
        refresh_token=REFRESH_TOKEN,
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
    broken = XeroConnectionFactory.create(status="needs_reconnect")

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
        operation="create_invoice",
        merchant=outlet.merchant,
        outlet=outlet,
        connection=connection,
        method="PUT",
        url="https://api.xero.com/api.xro/2.0/Invoices",
        outcome="failed",
        http_status=400,
        error="Account code '999' is not a valid code",
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
        connection=connection,
        kind="accounts",
        xero_id="a1",
        code="200",
        name="Sales",
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


# Actions on connections

CONNECTIONS = "admin:xero_integration_xeroconnection_changelist"


def act_on(admin_client, action, connections):
    response = admin_client.post(
        reverse(CONNECTIONS),
        {"action": action, "_selected_action": [c.pk for c in connections]},
        follow=True,
    )
    return [str(m) for m in response.context["messages"]]


def delete_url(connection):
    return f"{settings.XERO_CONNECTIONS_URL}/{connection.xero_connection_id}"


def test_disconnect_action_tells_xero_and_keeps_the_row(admin_client, connection):
    with responses.RequestsMock() as rsps:
        delete = rsps.delete(delete_url(connection), status=204)
        revoke = rsps.post(settings.XERO_REVOKE_URL, status=200)
        messages = act_on(admin_client, "disconnect", [connection])

    assert messages == ["Disconnected 1 connection from Xero."]
    assert delete.call_count == revoke.call_count == 1
    connection.refresh_from_db()
    assert connection.status == "disconnected"
    assert connection.access_token == connection.refresh_token == ""


def test_disconnect_action_says_when_xero_was_not_told(admin_client, connection):
    gone = XeroConnectionFactory.create(
        merchant=connection.merchant, is_merchant_default=False, status="disconnected"
    )
    with responses.RequestsMock() as rsps:
        rsps.delete(delete_url(connection), body=requests.ConnectionError("no route"))
        messages = act_on(admin_client, "disconnect", [connection, gone])

    assert messages == [
        "Disconnected 1 connection from Xero.",
        "1 already disconnected, skipped.",
        (
            "Allowed Cafe Pty Ltd: disconnected here, but Xero was not told: "
            "Could not reach Xero (ConnectionError)."
        ),
    ]
    connection.refresh_from_db()
    assert connection.status == "disconnected"


def test_make_default_action_moves_the_merchants_default(admin_client, connection):
    other = XeroConnectionFactory.create(
        merchant=connection.merchant, is_merchant_default=False, tenant_name="Franchise Pty Ltd"
    )

    messages = act_on(admin_client, "make_default", [other])

    assert messages == [
        "Franchise Pty Ltd is now the default Xero organisation of Allowed Cafe (M-ALLOWED)."
    ]
    connection.refresh_from_db()
    other.refresh_from_db()
    assert (other.is_merchant_default, connection.is_merchant_default) == (True, False)


def test_make_default_action_needs_exactly_one_active_connection(admin_client, connection):
    broken = XeroConnectionFactory.create(
        merchant=connection.merchant, is_merchant_default=False, status="needs_reconnect"
    )

    assert act_on(admin_client, "make_default", [connection, broken]) == [
        "Select exactly one connection to make the merchant's default."
    ]
    assert act_on(admin_client, "make_default", [broken]) == [oauth.MSG_CANNOT_BE_DEFAULT]
    connection.refresh_from_db()
    assert connection.is_merchant_default


def test_no_admin_page_shows_a_token(admin_client, connection, outlet):
    outlet.xero_connection = connection
    outlet.save()
    SyncLog.objects.create(
        operation="get_accounts",
        merchant=outlet.merchant,
        connection=connection,
        method="GET",
        url="/",
        correlation_id="c-1",
    )
    pages = [
        reverse("admin:xero_integration_xeroconnection_changelist"),
        reverse("admin:xero_integration_xeroconnection_change", args=[connection.pk]),
        reverse("admin:xero_integration_synclog_changelist"),
        reverse("admin:outlets_merchant_change", args=[outlet.merchant.pk]),
        reverse("admin:outlets_outlet_change", args=[outlet.pk]),
        reverse("admin:xero_integration_exportdocument_changelist"),
    ]

    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert ACCESS_TOKEN not in response.text and REFRESH_TOKEN not in response.text, url


def test_refresh_action_queues_a_refresh_per_active_connection(
    admin_client, connection, django_capture_on_commit_callbacks
):
    from django_q.models import OrmQ

    with django_capture_on_commit_callbacks(execute=True):
        messages = act_on(admin_client, "refresh_reference_data", [connection])

    assert messages == ["Queued a refresh of the reference data of 1 active connection."]
    assert OrmQ.objects.get().task["args"] == (connection.pk,)
