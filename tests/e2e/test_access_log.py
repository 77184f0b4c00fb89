"""gunicorn's access log, as the Procfile configures it, never shows Xero's code or state."""

import pytest
import requests

from .conftest import child_env
from .servers import Gunicorn

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CODE, STATE = "the-authorisation-code-5f2c", "the-state-9b1e"


@pytest.fixture
def web(settings, tmp_path):
    server = Gunicorn(child_env(settings), tmp_path / "web.log")
    yield server
    server.stop()


def test_access_log_shows_the_callback_without_its_code_and_state(web):
    requests.get(
        f"{web.url}/xero/callback",
        params={"code": CODE, "state": STATE},
        headers={"Referer": f"{web.url}/xero/callback?state={STATE}&code={CODE}"},
        timeout=10,
    )
    web.stop()  # flushes the log

    log = web.output()
    assert "/xero/callback?code=[redacted]&state=[redacted]" in log
    assert CODE not in log and STATE not in log
