"""The service's URLs and one bare Django view: the baseline of the read endpoints figure."""

from django.http import HttpRequest, JsonResponse
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as service_urls


def bare_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok", "merchant_id": "M", "pending_sales": 0})


class ApiFloorView(APIView):
    """What every API endpoint pays before its own work: DRF, the API key and the shared
    throttle (a database write per request). Shows what bounds the read endpoints."""

    def get(self, request: Request) -> Response:
        return Response({"status": "ok", "merchant_id": "M", "pending_sales": 0})


urlpatterns = [
    path("bench/bare", bare_view),
    path("bench/api-floor", ApiFloorView.as_view()),
    *service_urls,
]
