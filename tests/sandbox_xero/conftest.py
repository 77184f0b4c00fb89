"""Fixtures that start a fresh sandbox per test on a free port and talk to it over real HTTP."""

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from sandbox_xero import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, running_sandbox, wire

REDIRECT_URI = "http://localhost:8000/xero/callback"
TIMEOUT = 10


@pytest.fixture
def sandbox():
    with running_sandbox() as base_url:
        yield base_url


def authorise(base_url, scope="openid offline_access accounting.transactions", **extra):
    """Run the authorise redirect and return its query parameters."""
    params = {
        "response_type": "code",
        "client_id": DEFAULT_CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": scope,
        "state": "xyz",
        **extra,
    }
    reply = requests.get(
        base_url + "/identity/connect/authorize",
        params=params,
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert reply.status_code == 302, reply.text
    return {k: v[0] for k, v in parse_qs(urlsplit(reply.headers["Location"]).query).items()}


def token_call(base_url, auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET), **form):
    return requests.post(
        base_url + "/identity/connect/token", data=form, auth=auth, timeout=TIMEOUT
    )


def connect(base_url):
    """Authorise, exchange the code, and pick the tenant: what the service does on connect."""
    code = authorise(base_url)["code"]
    tokens = token_call(
        base_url, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI
    ).json()
    connections = requests.get(
        base_url + "/Connections",
        timeout=TIMEOUT,
        headers={"Authorization": "Bearer " + tokens["access_token"]},
    ).json()
    return {**tokens, "tenant_id": connections[0]["tenantId"]}


class Api:
    """A thin Accounting API caller: JSON in and out with Decimal money, never float."""

    def __init__(self, base_url, tokens):
        self.base_url = base_url
        self.tokens = tokens

    def headers(self, extra=None):
        return {
            "Authorization": "Bearer " + self.tokens["access_token"],
            "xero-tenant-id": self.tokens["tenant_id"],
            "Accept": "application/json",
            "Content-Type": "application/json",
            **(extra or {}),
        }

    def call(self, method, path, body=None, params=None, headers=None):
        data = wire.dumps(body) if body is not None else None
        return requests.request(
            method,
            self.base_url + "/api.xro/2.0/" + path,
            data=data,
            params=params,
            headers=self.headers(headers),
            timeout=TIMEOUT,
        )

    def get(self, path, **params):
        return self.call("GET", path, params=params)

    def put(self, path, body, params=None, headers=None):
        return self.call("PUT", path, body, params, headers)

    def post(self, path, body, params=None, headers=None):
        return self.call("POST", path, body, params, headers)

    def control(self, method, name, body=None, **params):
        reply = requests.request(
            method,
            self.base_url + "/_sandbox/" + name,
            params=params,
            data=wire.dumps(body) if body is not None else None,
            timeout=TIMEOUT,
        )
        assert reply.status_code < 300, reply.text
        return data(reply)


def data(reply):
    return wire.loads(reply.content)


@pytest.fixture
def api(sandbox):
    return Api(sandbox, connect(sandbox))


def invoice(**overrides):
    """A valid AUTHORISED ACCREC invoice for 115.00 inclusive (10.45 GST)."""
    body = {
        "Type": "ACCREC",
        "Contact": {"Name": "POS Sales"},
        "Date": "2026-11-23",
        "DueDate": "2026-11-23",
        "LineAmountTypes": "Inclusive",
        "Status": "AUTHORISED",
        "InvoiceNumber": "POS-1",
        "Reference": "Daily takings",
        "LineItems": [
            {
                "Description": "Sales - food",
                "Quantity": 1,
                "UnitAmount": Decimal("115.00"),
                "AccountCode": "200",
                "TaxType": "OUTPUT",
            }
        ],
    }
    body.update(overrides)
    return body


def credit_note(**overrides):
    body = {
        "Type": "ACCRECCREDIT",
        "Contact": {"Name": "POS Sales"},
        "Date": "2026-11-23",
        "LineAmountTypes": "Inclusive",
        "Status": "AUTHORISED",
        "CreditNoteNumber": "CN-POS-1",
        "Reference": "Refund",
        "LineItems": [
            {
                "Description": "Refund",
                "Quantity": 1,
                "UnitAmount": Decimal("23.00"),
                "AccountCode": "200",
                "TaxType": "OUTPUT",
            }
        ],
    }
    body.update(overrides)
    return body


def messages(element):
    return [e["Message"] for e in element.get("ValidationErrors", [])]
