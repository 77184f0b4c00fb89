"""Shared fixtures: two merchants, one the API key may see and one it must not."""

import pytest
from rest_framework.test import APIClient

from outlets.services import create_api_client
from tests.factories import MerchantFactory, OutletFactory
from tests.sandbox_helpers import sandbox_for
from xero_integration.xero import transport


@pytest.fixture(autouse=True)
def answers_computed_afresh(settings):
    """Status and logs read the database on every request, as a test that changes data
    outside the API between two reads expects. The answers kept for a few seconds are
    tested on their own (tests/xero_integration/api/test_recent_answers.py)."""
    settings.READ_ANSWER_SECONDS = 0


@pytest.fixture
def merchant(db):
    return MerchantFactory.create(merchant_id="M-ALLOWED", name="Allowed Cafe")


@pytest.fixture
def other_merchant(db):
    return MerchantFactory.create(merchant_id="M-OTHER", name="Other Bakery")


@pytest.fixture
def outlet(merchant):
    return OutletFactory.create(merchant=merchant, pos_station_id="S1", name="Sydney CBD")


@pytest.fixture
def other_outlet(other_merchant):
    return OutletFactory.create(merchant=other_merchant, pos_station_id="S1", name="Other Station")


@pytest.fixture
def api_key(merchant, other_merchant):
    """A key scoped to `merchant` only (other_merchant exists but is out of scope)."""
    return create_api_client(name="POS platform", merchant_ids=[merchant.merchant_id]).key


@pytest.fixture
def api(api_key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key}")
    return client


@pytest.fixture
def anonymous_api():
    return APIClient()


@pytest.fixture
def connection(merchant):
    """The merchant's Xero connection, with reference data cached."""
    from tests.factories import XeroConnectionFactory, seed_reference_data

    connection = XeroConnectionFactory.create(merchant=merchant, tenant_name="Allowed Cafe Pty Ltd")
    seed_reference_data(connection)
    return connection


@pytest.fixture
def staff_user(db):
    """A staff user holding exactly the given permissions ("app_label.codename")."""
    from django.contrib.auth.models import Permission, User

    def make(*perms: str, username: str = "staff") -> User:
        user = User.objects.create(username=username, is_staff=True)  # for force_login
        for perm in perms:
            app_label, codename = perm.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        return user

    return make


@pytest.fixture
def viewer(staff_user):
    """Staff who may look at every page and change nothing."""
    from django.contrib.auth.models import Permission

    perms = Permission.objects.filter(codename__startswith="view_").select_related("content_type")
    return staff_user(
        *(f"{p.content_type.app_label}.{p.codename}" for p in perms), username="viewer"
    )


@pytest.fixture
def quick_backoff(monkeypatch):
    # Real waits would only slow the tests; every wait is still asked for.
    monkeypatch.setattr(transport, "sleep", lambda seconds: None)


@pytest.fixture
def sandbox(settings):
    """The sandbox Xero on a free loopback port, the settings pointed at it."""
    with sandbox_for(settings) as base:
        yield base
