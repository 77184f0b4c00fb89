"""The JSON error format for the errors Django answers itself under /api/.

DRF's exception handler (xero_integration/api/exception_handler.py) answers whatever an API
view raises. Some errors never reach a view, or escape it: an unknown /api/ URL (404), a
body larger than DATA_UPLOAD_MAX_MEMORY_SIZE (413), a Host header not in ALLOWED_HOSTS
(400), and an error nobody expected (500). Django would answer those with its HTML pages;
under /api/ these views and the middleware answer the same JSON as every other error.
Pages outside /api/ (the admin, the OAuth callback) keep Django's own.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from .errors import error_body

API_PREFIX = "/api/"

BAD_REQUEST = "The request could not be read."
FORBIDDEN = "You may not do this."
NOT_FOUND = "There is no such API endpoint; the schema at /api/schema/ lists them all."
TOO_LARGE = "The request body is {size} bytes; at most {limit} are accepted."
SERVER_ERROR = (
    "Something went wrong on our side and it has been logged. Try again; if it keeps "
    "happening, tell support the time of the request."
)


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def too_large(size: int) -> JsonResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return JsonResponse(
        error_body("too_large", TOO_LARGE.format(size=size, limit=limit)), status=413
    )


class RequestSizeLimitMiddleware:
    """Refuse an /api/ body over DATA_UPLOAD_MAX_MEMORY_SIZE before anything reads it.

    DRF's parsers read the body from the stream and never ask Django's limit, so without
    this a body of any size would be read into memory.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if is_api(request) and limit is not None and content_length(request) > limit:
            return too_large(content_length(request))
        return self.get_response(request)


def content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


# ---- handler400, handler403, handler404, handler500 (config/urls.py) ---------------------


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return too_large(content_length(request))
    return JsonResponse(error_body("bad_request", BAD_REQUEST), status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.permission_denied(request, exception)
    return JsonResponse(error_body("permission_denied", FORBIDDEN), status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.page_not_found(request, exception)
    return JsonResponse(error_body("not_found", NOT_FOUND), status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if not is_api(request):
        return defaults.server_error(request)
    return JsonResponse(error_body("server_error", SERVER_ERROR), status=500)
