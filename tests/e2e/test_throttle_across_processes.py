"""The API's throttle holds across web processes: they share one count per key."""

import itertools

import pytest
import requests

from outlets.services import create_api_client, create_merchant

from .conftest import child_env
from .servers import Gunicorn

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A day: the count cannot roll into a new window while the test runs.
RATE, LIMIT = "10/day", 10


@pytest.fixture
def two_servers(settings, tmp_path):
    env = child_env(settings, API_THROTTLE_RATE=RATE)
    servers = [Gunicorn(env, tmp_path / f"web-{n}.log") for n in range(2)]
    yield servers
    for server in servers:
        server.stop()


def test_requests_spread_over_two_processes_are_counted_together(two_servers):
    create_merchant(merchant_id="M1", name="Harbour Cafe")
    key = create_api_client(name="POS", merchant_ids=["M1"]).key
    headers = {"Authorization": f"Bearer {key}"}

    codes = [
        requests.get(f"{server.url}/api/merchants/M1", headers=headers, timeout=10).status_code
        for server in itertools.islice(itertools.cycle(two_servers), 3 * LIMIT)
    ]

    assert codes == [200] * LIMIT + [429] * (2 * LIMIT)
