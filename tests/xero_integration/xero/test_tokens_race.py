"""Two workers needing a fresh token at once must refresh once: Xero rotates refresh tokens."""

import datetime
import json
import threading
import time

import pytest
import responses
from django.conf import settings
from django.db import connections
from django.utils import timezone

from tests.factories import MerchantFactory, XeroConnectionFactory
from xero_integration.models import XeroConnection
from xero_integration.xero import tokens


@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_call_xero_once_and_share_the_new_token():
    merchant = MerchantFactory.create()
    connection = XeroConnectionFactory.create(
        merchant=merchant,
        refresh_token="the-only-refresh-token",
        access_token_expires_at=timezone.now() + datetime.timedelta(minutes=1),
    )
    calls, calls_lock = [], threading.Lock()

    def token_endpoint(request):
        with calls_lock:
            calls.append(request.body)
            number = len(calls)
        time.sleep(0.3)  # widen the window in which a second refresh could slip in
        body = {
            "access_token": f"access-{number}",
            "refresh_token": f"refresh-{number}",
            "expires_in": 1800,
            "token_type": "Bearer",
        }
        return 200, {}, json.dumps(body)

    results, errors = {}, []
    start = threading.Barrier(2)

    def worker(name):
        try:
            row = XeroConnection.objects.get(pk=connection.pk)  # each worker its own copy
            start.wait()
            results[name] = tokens.fresh_access_token(row)
        except Exception as exc:  # surfaced by the assertions below
            errors.append(exc)
        finally:
            connections.close_all()

    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.POST, settings.XERO_TOKEN_URL, callback=token_endpoint)
        threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert errors == []
    assert len(calls) == 1
    assert results == {"a": "access-1", "b": "access-1"}
    connection.refresh_from_db()
    assert connection.refresh_token == "refresh-1"
