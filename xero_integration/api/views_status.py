from rest_framework.response import Response
from rest_framework.views import APIView

from xero_integration.status import export_status

from .scope import resolve_scope


class StatusView(APIView):
    """Whether the outlet can export now and, if not, why."""

    def get(self, request):
        merchant, outlet = resolve_scope(request, request.query_params)
        return Response(export_status(merchant=merchant, outlet=outlet))
