"""The service's URLs and one bare Django view: the baseline of the read endpoints figure."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls import urlpatterns as service_urls


def bare_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok", "merchant_id": "M", "pending_sales": 0})


urlpatterns = [path("bench/bare", bare_view), *service_urls]
