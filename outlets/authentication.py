"""API key authentication and per-key throttling for the REST API."""

from typing import TYPE_CHECKING

from rest_framework import authentication, exceptions, throttling
from rest_framework.request import Request

from .models import ApiClient
from .services import authenticate_api_key
from .throttle import count_request

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
    """API_THROTTLE_RATE requests per key, counted in the database every web process shares
    (outlets.throttle). Periods are fixed, so a key may send up to twice the rate across a
    period's edge."""

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
        period = int(now // duration)
        count = count_request(self.get_cache_key(request, view), period)
        self.wait_seconds = (period + 1) * duration - now
        return count <= limit

    def wait(self) -> float | None:
        return self.wait_seconds
