"""The read endpoints' answers, kept for a few seconds in each web process.

A POS polls status and logs, often from several tills at once, and an answer costs about
twenty queries (status) or five (logs): more than the whole rest of an API request
(issue 12). The same question asked again within READ_ANSWER_SECONDS is answered from the
web process's memory, with no query beyond the key's own.

An answer is kept for the key that asked, under the whole URL, once the key's scope allowed
it, and for one `data_version` of the key. The key's row carries that version, read with the
key on every request, so every web process knows at once when it changes: after each write
the key makes through the API (a POS that maps an outlet or sends sales sees it in its next
answer), and when the key's merchants change or it is changed in the admin (outlets.signals:
an answer is never served outside the key's scope). What changes behind the key (the
worker's exports, the admin's mappings, another key) shows within READ_ANSWER_SECONDS.
"""

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

from outlets.models import ApiClient
from outlets.services import raise_data_version

from .scope import api_client


def recent_answer(request: Request, compute: Callable[[], Any]) -> Any:
    """The answer kept for this key, version and URL within READ_ANSWER_SECONDS, or
    `compute()` (which checks the key's scope), kept."""
    seconds = settings.READ_ANSWER_SECONDS
    if seconds <= 0:
        return compute()
    client = api_client(request)
    question = f"{client.pk}|{client.data_version}|{request.build_absolute_uri()}"
    key = "answer:" + hashlib.sha256(question.encode()).hexdigest()
    kept = caches["local"].get(key)
    if kept is not None:
        return kept
    answer = compute()
    caches["local"].set(key, answer, seconds)
    return answer


class NewDataVersionAfterWrites:
    """Raises the data version of an API key once a request of it that may have changed
    data is done, its writes committed (raised before, an answer computed meanwhile would
    be kept under the new version), whatever it answered: a request refused halfway may
    have written some."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and request.path.startswith("/api/"):
            # DRF puts the client it authenticated on the request it wraps.
            client = getattr(request, "user", None)
            if isinstance(client, ApiClient):
                raise_data_version([client.pk])
        return response
