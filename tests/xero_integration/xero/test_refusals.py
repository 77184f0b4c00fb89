"""When Xero refuses a call's authorisation: one rule for every caller (accounting.py).

A 401 is answered by one refresh and one more try; only a second refusal sends the
grant to "needs reconnect". A 403 is that organisation alone.
"""

import pytest
import responses
from django.conf import settings

from tests.factories import XeroConnectionFactory
from xero_integration import tasks
from xero_integration.models import ConnectionStatus, XeroConnection
from xero_integration.xero import accounting, transport
from xero_integration.xero.errors import AUTH, XeroError

API = "https://api.xero.test/api.xro/2.0"
TOKEN_EXPIRED = {"Title": "Unauthorized", "Status": 401, "Detail": "TokenExpired: token expired"}
FORBIDDEN = {"Title": "Forbidden", "Status": 403, "Detail": "AuthenticationUnsuccessful"}


@pytest.fixture(autouse=True)
def xero_settings(settings, monkeypatch):
    settings.XERO_API_URL = API
    settings.XERO_TOKEN_URL = "https://identity.xero.test/connect/token"
    monkeypatch.setattr(transport, "sleep", lambda seconds: None)


@pytest.fixture
def connection(merchant):
    return XeroConnectionFactory.create(
        merchant=merchant, access_token="refused-token", refresh_token="refresh-1"
    )


def token_answer() -> dict:
    return {
        "access_token": "fresh-token",
        "refresh_token": "refresh-2",
        "expires_in": 1800,
        "token_type": "Bearer",
        "scope": "offline_access accounting.invoices",
    }


def reloaded(connection: XeroConnection) -> XeroConnection:
    return XeroConnection.objects.get(pk=connection.pk)


@responses.activate
def test_a_refused_token_is_refreshed_once_and_the_call_made_again(connection):
    responses.get(f"{API}/TaxRates", status=401, json=TOKEN_EXPIRED)
    refresh = responses.post(settings.XERO_TOKEN_URL, json=token_answer())
    responses.get(f"{API}/TaxRates", json={"TaxRates": [{"TaxType": "OUTPUT"}]})

    assert accounting.get_tax_rates(connection) == [{"TaxType": "OUTPUT"}]

    assert refresh.call_count == 1
    retried = responses.calls[2].request
    assert retried.headers["Authorization"] == "Bearer fresh-token"
    assert reloaded(connection).status == ConnectionStatus.ACTIVE


@responses.activate
def test_a_write_refused_for_its_token_is_made_again_under_the_same_key(connection):
    responses.put(f"{API}/Invoices", status=401, json=TOKEN_EXPIRED)
    responses.post(settings.XERO_TOKEN_URL, json=token_answer())
    responses.put(f"{API}/Invoices", json={"Invoices": [{"InvoiceNumber": "A1"}]})

    accounting.create_invoices(connection, [{"InvoiceNumber": "A1"}], idempotency_key="key-1")

    first, retried = responses.calls[0].request, responses.calls[2].request
    assert first.headers["Idempotency-Key"] == retried.headers["Idempotency-Key"] == "key-1"


@responses.activate
def test_a_second_refusal_sends_the_whole_grant_to_reconnect(connection, merchant):
    sibling = XeroConnectionFactory.create(
        merchant=merchant,
        is_merchant_default=False,
        access_token="refused-token",
        refresh_token="refresh-1",
    )
    responses.get(f"{API}/TaxRates", status=401, json=TOKEN_EXPIRED)
    responses.post(settings.XERO_TOKEN_URL, json=token_answer())
    responses.get(f"{API}/TaxRates", status=401, json=TOKEN_EXPIRED)

    with pytest.raises(XeroError) as raised:
        accounting.get_tax_rates(connection)

    assert raised.value.kind == AUTH
    assert reloaded(connection).status == ConnectionStatus.NEEDS_RECONNECT
    assert reloaded(sibling).status == ConnectionStatus.NEEDS_RECONNECT
    assert "TokenExpired" in reloaded(connection).status_reason


@responses.activate
def test_a_refused_organisation_needs_reconnecting_alone(connection, merchant):
    sibling = XeroConnectionFactory.create(
        merchant=merchant,
        is_merchant_default=False,
        access_token="refused-token",
        refresh_token="refresh-1",
    )
    responses.get(f"{API}/TaxRates", status=403, json=FORBIDDEN)

    with pytest.raises(XeroError):
        accounting.get_tax_rates(connection)

    assert len(responses.calls) == 1  # a new token cannot bring an organisation back
    assert reloaded(connection).status == ConnectionStatus.NEEDS_RECONNECT
    assert "AuthenticationUnsuccessful" in reloaded(connection).status_reason
    assert reloaded(sibling).status == ConnectionStatus.ACTIVE


@responses.activate
def test_a_reference_refresh_refused_marks_the_connection_and_ends_quietly(connection):
    responses.get(f"{API}/Accounts", status=403, json=FORBIDDEN)

    assert tasks.refresh_reference_data_task(connection.pk) is None

    assert reloaded(connection).status == ConnectionStatus.NEEDS_RECONNECT


@responses.activate
def test_a_server_error_does_not_touch_the_connection(connection, settings):
    settings.XERO_MAX_RETRIES = 0
    responses.get(f"{API}/TaxRates", status=503, body="unavailable")

    with pytest.raises(XeroError):
        accounting.get_tax_rates(connection)

    assert reloaded(connection).status == ConnectionStatus.ACTIVE
