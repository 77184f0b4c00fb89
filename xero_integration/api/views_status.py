from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xero_integration.exports.selectors import export_status

from . import examples
from .recent_answers import recent_answer
from .schema import MERCHANT_ID, POS_STATION_ID, errors
from .schema_status import StatusSchema
from .scope import resolve_scope


# Schema only: the shape of xero_integration.exports.selectors.export_status().
class StatusView(APIView):
    """Whether the outlet can export now and, if not, why."""

    @extend_schema(
        tags=["connection"],
        summary="Can the outlet export now, and if not why",
        parameters=[MERCHANT_ID, POS_STATION_ID],
        responses={200: StatusSchema, **errors(400, 404)},
        examples=[examples.STATUS_ANSWER, examples.STATUS_WAITING],
    )
    def get(self, request: Request) -> Response:
        return Response(recent_answer(request, lambda: status_of(request)))


def status_of(request: Request) -> dict:
    merchant, outlet = resolve_scope(request, request.query_params)
    return export_status(merchant=merchant, outlet=outlet)
