"""Fixtures shared by the tests that run against the sandbox Xero."""

import pytest

from tests.sandbox_helpers import sandbox_for
from xero_integration.xero import transport


@pytest.fixture
def quick_backoff(monkeypatch):
    # Real waits would only slow the tests; every wait is still asked for.
    monkeypatch.setattr(transport, "sleep", lambda seconds: None)


@pytest.fixture
def sandbox(settings):
    with sandbox_for(settings) as base:
        yield base
