"""Connecting a merchant to the sandbox Xero the way a person would, for integration tests."""

import contextlib
from urllib.parse import parse_qs, urlsplit

import requests

from mappings.services import replace_mappings
from sandbox_xero import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, running_sandbox
from xero_integration.connection import oauth
from xero_integration.connection.reference_data import refresh_reference_data
from xero_integration.models import XeroConnection

MAPPINGS = {
    "revenue": [("*", "200")],
    "payments": [("card", "090"), ("cash", "090")],
    "tax": [("GST10", "OUTPUT"), ("GSTFREE", "EXEMPTOUTPUT"), ("NONE", "BASEXCLUDED")],
    "special": [
        ("contact", "POS Sales"),
        ("rounding", "860"),
        ("tips", "260"),
        ("surcharge", "260"),
    ],
}


def point_settings_at(settings, base: str) -> None:
    settings.XERO_CLIENT_ID = DEFAULT_CLIENT_ID
    settings.XERO_CLIENT_SECRET = DEFAULT_CLIENT_SECRET
    settings.XERO_AUTHORIZE_URL = f"{base}/identity/connect/authorize"
    settings.XERO_TOKEN_URL = f"{base}/identity/connect/token"
    settings.XERO_REVOKE_URL = f"{base}/identity/connect/revocation"
    settings.XERO_CONNECTIONS_URL = f"{base}/Connections"  # xero-identity.yaml
    settings.XERO_API_URL = f"{base}/api.xro/2.0"
    settings.XERO_TIMEOUT_SECONDS = 5


@contextlib.contextmanager
def sandbox_for(settings, **config):
    with running_sandbox(**config) as base:
        point_settings_at(settings, base)
        yield base


def connect(client, merchant) -> XeroConnection:
    """Authorise in the 'browser' and land on our callback, as a merchant does."""
    authorize_url = oauth.start_authorisation(merchant=merchant, return_url="http://localhost/done")
    reply = requests.get(authorize_url, allow_redirects=False, timeout=10)
    query = {k: v[0] for k, v in parse_qs(urlsplit(reply.headers["Location"]).query).items()}
    response = client.get("/xero/callback", query)
    assert response.status_code == 302, response.content
    return XeroConnection.objects.get(merchant=merchant, is_merchant_default=True)


def map_merchant(merchant, mappings=MAPPINGS) -> None:
    for mapping_type, pairs in mappings.items():
        replace_mappings(merchant=merchant, outlet=None, mapping_type=mapping_type, pairs=pairs)


def ready_connection(client, merchant) -> XeroConnection:
    connection = connect(client, merchant)
    refresh_reference_data(connection=connection)
    map_merchant(merchant)
    return connection


def sandbox_state(base: str) -> dict:
    return requests.get(f"{base}/_sandbox/state", timeout=10).json()


def sandbox_documents(base: str, tenant_id: str) -> dict:
    return requests.get(
        f"{base}/_sandbox/documents", params={"tenant_id": tenant_id}, timeout=10
    ).json()


def sandbox_post(base: str, path: str, body: dict) -> None:
    reply = requests.post(f"{base}/_sandbox/{path}", json=body, timeout=10)
    assert reply.status_code < 300, reply.text
