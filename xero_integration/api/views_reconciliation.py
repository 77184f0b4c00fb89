"""The POS side of a day beside what Xero holds of it, read back from Xero."""

from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xero_integration.reconciliation.selectors import CSV_HEADER, csv_row, day_body
from xero_integration.reconciliation.services import reconciliation_for

from . import examples
from .csv_format import CSVRenderer
from .json_format import JSONRenderer
from .schema import MERCHANT_ID, POS_STATION_ID_REQUIRED, errors
from .schema_reconciliation import ReconciliationSchema
from .scope import resolve_scope

MAX_RANGE_DAYS = 366
MSG_TO_BEFORE_FROM = "Must be on or after `from`."
MSG_RANGE_TOO_LONG = f"At most {MAX_RANGE_DAYS} days from `from`."


class DateRangeInput(serializers.Serializer):
    """`from` and `to` (YYYY-MM-DD, both included); `from` is a Python keyword, so it is
    added in get_fields."""

    to = serializers.DateField(input_formats=["%Y-%m-%d"])

    def get_fields(self) -> dict[str, serializers.Field]:
        return {"from": serializers.DateField(input_formats=["%Y-%m-%d"]), **super().get_fields()}

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        start, end = data["from"], data["to"]
        if end < start:
            raise serializers.ValidationError({"to": [MSG_TO_BEFORE_FROM]})
        if (end - start).days >= MAX_RANGE_DAYS:
            raise serializers.ValidationError({"to": [MSG_RANGE_TOO_LONG]})
        return data


def date_parameter(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        name, OpenApiTypes.DATE, OpenApiParameter.QUERY, required=True, description=description
    )


class ReconciliationCSVRenderer(CSVRenderer):
    header = CSV_HEADER
    row = staticmethod(csv_row)


class ReconciliationView(APIView):
    renderer_classes = [JSONRenderer, ReconciliationCSVRenderer]

    @extend_schema(
        tags=["reconciliation"],
        summary="An outlet's days beside what Xero holds",
        description=(
            "Per business day: the POS totals (sales, refunds, tax, each payment method, "
            "tips, surcharges, rounding), what Xero holds now (read from Xero by the numbers "
            "of the documents sent), the difference and the documents behind it, with flags "
            "(red: missing, voided, deleted, amount changed or payment removed in Xero; amber: "
            "not all in Xero yet, or a difference accepted). Ranges of up to "
            f"RECONCILIATION_INLINE_DAYS ({settings.RECONCILIATION_INLINE_DAYS}) days are read "
            "at once; longer ones (up to 366 days) by the worker: 202, `state: queued`, with "
            "the days stored so far. `?format=csv` or `Accept: text/csv` answers CSV."
        ),
        parameters=[
            MERCHANT_ID,
            POS_STATION_ID_REQUIRED,
            date_parameter("from", "The first business day, YYYY-MM-DD."),
            date_parameter("to", "The last business day, YYYY-MM-DD (at most 366 days on)."),
            OpenApiParameter(
                "format", OpenApiTypes.STR, enum=["json", "csv"], description="csv: a CSV file."
            ),
        ],
        responses={
            (200, "application/json"): ReconciliationSchema,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One row per day."),
            (202, "application/json"): ReconciliationSchema,
            **errors(400, 404),
        },
        examples=[examples.RECONCILIATION_ANSWER],
    )
    def get(self, request: Request) -> Response:
        merchant, outlet = resolve_scope(request, request.query_params)
        dates = DateRangeInput(data=request.query_params)
        dates.is_valid(raise_exception=True)
        if outlet is None:  # POS_STATION_ID_REQUIRED: a missing one fails like any field
            raise serializers.ValidationError({"pos_station_id": ["This field is required."]})
        answer = reconciliation_for(
            outlet=outlet, start=dates.validated_data["from"], end=dates.validated_data["to"]
        )
        body = {
            "merchant_id": merchant.merchant_id,
            "pos_station_id": outlet.pos_station_id,
            "state": answer.state,
            "task_id": answer.task_id,
            "days": [day_body(day) for day in answer.days],
        }
        code = status.HTTP_202_ACCEPTED if answer.state == "queued" else status.HTTP_200_OK
        return Response(body, status=code)
