"""The service's URLs plus one API view that fails as no view should: for the 500 tests."""

from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


class Boom(APIView):
    def get(self, request: Request) -> Response:
        raise RuntimeError("an error nobody expected")


urlpatterns = [path("api/boom", Boom.as_view()), *urlpatterns]
