"""accounting.py: each operation calls the Xero endpoint its docstring cites, with its query."""

import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from django.utils import timezone
from responses import matchers

from tests.factories import XeroConnectionFactory
from xero_integration.models import SyncLog
from xero_integration.xero import accounting, transport
from xero_integration.xero.accounting import element_errors
from xero_integration.xero.errors import XeroError

API = "https://api.xero.test/api.xro/2.0"


@pytest.fixture(autouse=True)
def xero_settings(settings, monkeypatch):
    settings.XERO_API_URL = API
    settings.XERO_MAX_RETRIES = 2
    monkeypatch.setattr(transport, "sleep", lambda seconds: None)


@pytest.fixture
def connection(merchant):
    return XeroConnectionFactory.create(merchant=merchant, tenant_id="tenant-1")


def _query(call) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(call.request.url).query).items()}


@responses.activate
def test_create_invoices_puts_with_summarize_errors_false_and_unitdp_4(connection, outlet):
    invoice = {
        "Type": "ACCREC",
        "InvoiceNumber": "POS-S1-20261123",
        "LineItems": [{"Description": "Sales", "Quantity": 1, "UnitAmount": Decimal("115.0050")}],
    }
    responses.put(
        f"{API}/Invoices",
        json={"Invoices": [{"InvoiceID": "inv-1", "StatusAttributeString": "OK"}]},
    )

    results = accounting.create_invoices(
        connection, [invoice], idempotency_key="key-1", outlet=outlet
    )

    call = responses.calls[0]
    assert _query(call) == {"summarizeErrors": "false", "unitdp": "4"}
    assert call.request.headers["Idempotency-Key"] == "key-1"
    assert call.request.headers["Authorization"] == f"Bearer {connection.access_token}"
    assert isinstance(call.request.body, bytes)
    assert b'"UnitAmount": 115.0050' in call.request.body
    assert results == [{"InvoiceID": "inv-1", "StatusAttributeString": "OK"}]
    log = SyncLog.objects.get()
    assert (log.operation, log.documents, log.outlet_id) == (
        "create_invoices",
        ["POS-S1-20261123"],
        outlet.pk,
    )


@responses.activate
def test_create_credit_notes_and_payments_use_their_endpoints(connection):
    responses.put(f"{API}/CreditNotes", json={"CreditNotes": [{"CreditNoteID": "cn-1"}]})
    responses.put(f"{API}/Payments", json={"Payments": [{"PaymentID": "p-1"}]})

    notes = accounting.create_credit_notes(
        connection, [{"Type": "ACCRECCREDIT"}], idempotency_key="k-cn"
    )
    payments = accounting.create_payments(
        connection,
        [{"Invoice": {"InvoiceNumber": "POS-1"}, "Amount": Decimal("1.00")}],
        idempotency_key="k-p",
    )

    assert notes == [{"CreditNoteID": "cn-1"}]
    assert payments == [{"PaymentID": "p-1"}]
    assert _query(responses.calls[0]) == {"summarizeErrors": "false", "unitdp": "4"}
    assert _query(responses.calls[1]) == {"summarizeErrors": "false"}  # the spec has no unitdp here
    assert SyncLog.objects.get(operation="create_payments").documents == ["POS-1"]


def test_an_expiring_token_is_refreshed_before_the_call_and_the_new_one_sent(merchant, settings):
    connection = XeroConnectionFactory.create(
        merchant=merchant,
        tenant_id="tenant-1",
        access_token_expires_at=timezone.now() + datetime.timedelta(minutes=1),
    )
    with responses.RequestsMock() as rsps:
        rsps.post(
            settings.XERO_TOKEN_URL,
            json={"access_token": "fresh", "refresh_token": "r2", "expires_in": 1800},
        )
        accounts = rsps.get(f"{API}/Accounts", json={"Accounts": []})
        accounting.get_accounts(connection)

    assert accounts.calls[0].request.headers["Authorization"] == "Bearer fresh"
    operations = SyncLog.objects.order_by("pk").values_list("operation", flat=True)
    assert list(operations) == ["oauth.refresh", "get_accounts"]


@responses.activate
def test_a_write_answered_with_a_server_error_is_never_resent(connection):
    responses.put(f"{API}/Invoices", status=503, body="busy")

    with pytest.raises(XeroError) as raised:
        accounting.create_invoices(connection, [{}], idempotency_key="k-1")

    assert len(responses.calls) == 1
    assert raised.value.outcome_unknown  # Xero may have stored it: look it up first


@responses.activate
def test_a_rate_limited_write_is_retried(connection):
    responses.put(f"{API}/Invoices", status=429, headers={"Retry-After": "1"})
    responses.put(f"{API}/Invoices", json={"Invoices": []})

    accounting.create_invoices(connection, [{}], idempotency_key="k-1")

    assert len(responses.calls) == 2


def test_element_errors_reads_validation_messages():
    element = {
        "StatusAttributeString": "ERROR",
        "ValidationErrors": [
            {"Message": "Invoice # must be unique."},
            {"Message": "Account code '999' is not valid."},
        ],
    }

    assert element_errors(element) == [
        "Invoice # must be unique.",
        "Account code '999' is not valid.",
    ]


def test_element_flagged_without_a_message_still_reports_an_error():
    assert element_errors({"HasErrors": True}) == [accounting.MSG_ELEMENT_FLAGGED]
    assert element_errors({"HasValidationErrors": True, "ValidationErrors": []}) == [
        accounting.MSG_ELEMENT_FLAGGED
    ]


def test_stored_element_has_no_errors():
    assert (
        element_errors({"InvoiceID": "inv-1", "StatusAttributeString": "OK", "HasErrors": False})
        == []
    )


@responses.activate
def test_find_invoices_by_number_asks_at_most_50_numbers_per_call(connection):
    numbers = [f"POS-{n}" for n in range(120)]
    responses.get(f"{API}/Invoices", json={"Invoices": [{"InvoiceNumber": "POS-1"}]})

    found = accounting.find_invoices_by_number(connection, numbers)

    asked = [_query(call)["InvoiceNumbers"].split(",") for call in responses.calls]
    assert [len(chunk) for chunk in asked] == [50, 50, 20]
    assert sum(asked, []) == numbers
    assert len(found) == 3


@responses.activate
def test_find_credit_notes_by_number_uses_a_where_clause(connection):
    responses.get(f"{API}/CreditNotes", json={"CreditNotes": []})

    accounting.find_credit_notes_by_number(connection, ["CN-1", "CN-2", "CN-1"])

    assert _query(responses.calls[0]) == {
        "where": 'CreditNoteNumber=="CN-1" OR CreditNoteNumber=="CN-2"'
    }


def test_find_credit_notes_refuses_a_number_with_a_quote(connection):
    with pytest.raises(ValueError):
        accounting.find_credit_notes_by_number(connection, ['CN"1'])


@responses.activate
def test_get_contacts_page_sends_paging_archived_and_if_modified_since(connection):
    since = datetime.datetime(2026, 11, 1, 12, 30, tzinfo=datetime.timezone.utc)
    responses.get(
        f"{API}/Contacts",
        json={"Contacts": [{"ContactID": "c-1"}]},
        match=[
            matchers.query_param_matcher(
                {"page": "2", "pageSize": "100", "includeArchived": "true"}
            ),
            matchers.header_matcher({"If-Modified-Since": "2026-11-01T12:30:00.000+00:00"}),
        ],
    )

    assert accounting.get_contacts_page(connection, page=2, modified_since=since) == [
        {"ContactID": "c-1"}
    ]


@responses.activate
def test_not_modified_accounts_are_an_empty_list(connection):
    responses.get(f"{API}/Accounts", status=304)

    since = datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc)
    assert accounting.get_accounts(connection, modified_since=since) == []


@responses.activate
def test_tracking_categories_include_archived_by_default(connection):
    responses.get(
        f"{API}/TrackingCategories",
        json={"TrackingCategories": []},
        match=[matchers.query_param_matcher({"includeArchived": "true"})],
    )

    assert accounting.get_tracking_categories(connection) == []


@responses.activate
def test_get_organisation_returns_the_one_organisation(connection):
    responses.get(
        f"{API}/Organisation", json={"Organisations": [{"Name": "Demo", "BaseCurrency": "AUD"}]}
    )

    assert accounting.get_organisation(connection) == {"Name": "Demo", "BaseCurrency": "AUD"}
