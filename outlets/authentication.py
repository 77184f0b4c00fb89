"""API key authentication and per-key throttling for the REST API."""

import logging
from typing import TYPE_CHECKING

from rest_framework import authentication, exceptions, throttling
from rest_framework.request import Request

from .models import ApiClient
from .services import authenticate_api_key

logger = logging.getLogger(__name__)
COUNT_TRIES = 3

if TYPE_CHECKING:  # rest_framework.views imports this module, through the API settings
    from rest_framework.views import APIView


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <api key>`; the authenticated user is the ApiClient."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[ApiClient, ApiClient] | None:
        header = authentication.get_authorization_header(request).decode(errors="replace")
        if not header:
            return None
        scheme, _, key = header.partition(" ")
        if scheme != self.keyword or not key.strip():
            raise exceptions.AuthenticationFailed(
                "Send the API key as 'Authorization: Bearer <key>'."
            )
        client = authenticate_api_key(key.strip())
        if client is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked API key.")
        return client, client

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (with WWW-Authenticate) rather than 403.
        return self.keyword


class ApiKeyRateThrottle(throttling.SimpleRateThrottle):
    """API_THROTTLE_RATE requests per key, counted in the cache every web process shares.

    DRF's throttle keeps a list of timestamps that it reads and writes back, so two
    processes answering one key at once would each drop the other's request. Here each
    request is one atomic increment of the key's count for the current window (the
    database cache locks the row, Redis increments by itself; config/cache.py). Windows
    are fixed, so a key may send up to twice the rate across a window's edge.
    """

    scope = "api_key"
    wait_seconds: float | None = None

    def get_cache_key(self, request: Request, view: "APIView") -> str:
        if request.auth is None:
            return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}

    def allow_request(self, request: Request, view: "APIView") -> bool:
        limit, duration = self.parse_rate(self.rate)
        if limit is None or duration is None:
            return True
        now = self.timer()
        window = int(now // duration)
        count = self.count(f"{self.get_cache_key(request, view)}:{window}", duration)
        self.wait_seconds = (window + 1) * duration - now
        return count <= limit

    def count(self, key: str, duration: int) -> int:
        """This request's number in its window: one increment, once the window is open."""
        for _ in range(COUNT_TRIES):
            try:
                return self.cache.incr(key)
            except ValueError:  # the window's first request (the count is not there yet)
                if self.cache.add(key, 1, duration):
                    return 1
            # Another process opened the window just now, or the cache dropped the count
            # between the two calls (a cull of a full database cache): count again.
        # The cache keeps losing the count: start it again here, this request the window's
        # first, rather than answer 500 (a count is never worth one).
        logger.warning("API throttle: the count of %s was lost; counting again from 1", key)
        self.cache.set(key, 1, duration)
        return 1

    def wait(self) -> float | None:
        return self.wait_seconds
