"""Xero's limits on the app: at most XERO_MAX_CONNECTIONS organisations, a daily call budget."""

import datetime

import pytest
import requests
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.factories import MerchantFactory, XeroConnectionFactory
from tests.sandbox_helpers import connect, sandbox_for, sandbox_state
from xero_integration.connection import limits
from xero_integration.models import OAuthState, XeroCallSlot, XeroConnection
from xero_integration.xero import ratelimit
from xero_integration.xero.errors import TRANSIENT, XeroError

CONNECT_URL = "/api/xero/connect"


@pytest.fixture
def full_app(settings, db):
    """25 organisations connected, as many as an uncertified app may have."""
    settings.XERO_MAX_CONNECTIONS = 25
    return XeroConnectionFactory.create_batch(25)


def test_26th_connection_is_refused_before_the_merchant_goes_to_xero(api, merchant, full_app):
    response = api.get(CONNECT_URL, {"merchant_id": merchant.merchant_id})

    assert response.status_code == 409
    assert response.json() == {
        "error": "connection_limit",
        "detail": limits.MSG_CONNECTION_LIMIT.format(count=25, limit=25),
    }
    assert not OAuthState.objects.exists()


def test_merchant_already_connected_may_go_to_xero_to_reconnect(api, merchant, full_app):
    XeroConnectionFactory.create(merchant=merchant, tenant_id=full_app[0].tenant_id)

    response = api.get(CONNECT_URL, {"merchant_id": merchant.merchant_id})

    assert response.status_code == 200


def test_one_organisation_connected_by_two_merchants_counts_once(db):
    shared = XeroConnectionFactory.create()
    XeroConnectionFactory.create(tenant_id=shared.tenant_id)
    XeroConnectionFactory.create(status="disconnected")

    assert limits.connected_organisations() == 1


def test_callback_keeps_connected_tenants_and_new_ones_only_while_there_is_room(settings, db):
    settings.XERO_MAX_CONNECTIONS = 2
    known = XeroConnectionFactory.create()
    tenants = [{"tenantId": "new-1"}, {"tenantId": known.tenant_id}, {"tenantId": "new-2"}]

    assert limits.tenants_with_room(tenants) == tenants[:2]


def test_sandbox_connection_beyond_the_limit_is_refused_and_the_first_connects(
    settings, client, db
):
    settings.XERO_MAX_CONNECTIONS = 1
    first, second = MerchantFactory.create(), MerchantFactory.create()
    with sandbox_for(settings):
        connect(client, first)

        with pytest.raises(limits.ConnectionLimitReached):
            connect(client, second)

    assert XeroConnection.objects.filter(merchant=second).count() == 0


def test_admin_connect_button_explains_the_limit_instead_of_going_to_xero(
    admin_client, merchant, full_app
):
    response = admin_client.post(reverse("xero_admin_connect", args=[merchant.pk]), follow=True)

    message = limits.MSG_CONNECTION_LIMIT.format(count=25, limit=25)
    assert escape(message) in response.content.decode()
    assert not OAuthState.objects.exists()


def test_admin_shows_connected_organisations_against_the_limit(admin_client, full_app):
    response = admin_client.get(reverse("admin:xero_integration_xeroconnection_changelist"))

    assert "25 of 25 Xero organisations connected" in response.content.decode()


def test_admin_action_sets_the_starter_plan_call_budget(admin_client, connection):
    admin_client.post(
        reverse("admin:xero_integration_xeroconnection_changelist"),
        {"action": "set_starter_call_budget", "_selected_action": [connection.pk]},
    )

    connection.refresh_from_db()
    assert connection.daily_call_limit == 1000


def test_status_shows_the_daily_call_budget_and_calls_used(api, merchant, connection, outlet):
    XeroConnection.objects.filter(pk=connection.pk).update(daily_call_limit=1000)
    XeroCallSlot.objects.create(tenant_id=connection.tenant_id, started_at=timezone.now())

    body = api.get("/api/xero/status", {"merchant_id": merchant.merchant_id}).json()

    assert body["connection"]["daily_call_limit"] == 1000
    assert body["connection"]["calls_last_24h"] == 1


def test_rate_limiter_keeps_a_starter_plan_organisation_within_1000_calls(settings, connection):
    settings.XERO_DAY_LIMIT = 5000
    XeroConnection.objects.filter(pk=connection.pk).update(daily_call_limit=1000)
    earlier = timezone.now() - datetime.timedelta(hours=2)
    XeroCallSlot.objects.bulk_create(
        XeroCallSlot(tenant_id=connection.tenant_id, started_at=earlier, finished_at=earlier)
        for _ in range(1000)
    )

    with pytest.raises(XeroError) as refused:
        ratelimit.acquire(connection.tenant_id, max_wait=0)

    assert refused.value.kind == TRANSIENT


def test_new_organisation_picked_when_the_app_is_full_is_dropped_in_xero_too(
    settings, client, merchant
):
    settings.XERO_MAX_CONNECTIONS = 1
    with sandbox_for(settings) as base:
        first = connect(client, merchant)
        requests.post(f"{base}/_sandbox/config", json={"orgs_per_authorisation": 2}, timeout=10)

        connect(client, merchant)  # reconnects the first, picks a second organisation too

        live_in_xero = {c["tenantId"] for c in sandbox_state(base)["connections"]}
    assert set(XeroConnection.objects.values_list("tenant_id", flat=True)) == {first.tenant_id}
    assert live_in_xero == {first.tenant_id}
