"""The endpoint Xero posts its webhook events to."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .webhooks import receive_events, signature_is_valid


@csrf_exempt  # Xero cannot hold a CSRF token; the HMAC signature authenticates the request
@require_POST
def xero_webhook(request: HttpRequest) -> HttpResponse:
    """200 with no body for a correctly signed request, 401 otherwise (notes §7)."""
    if not signature_is_valid(request.body, request.headers.get("x-xero-signature", "")):
        return HttpResponse(status=401)
    receive_events(request.body)
    return HttpResponse(status=200)
