"""The POS side of a day beside what Xero holds of it, read back from Xero."""

from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xero_integration.reconciliation.backfill import backfill
from xero_integration.reconciliation.decisions import DECISIONS, decide
from xero_integration.reconciliation.selectors import (
    CSV_HEADER,
    backfill_body,
    csv_row,
    day_body,
    sent_document,
)
from xero_integration.reconciliation.services import reconciliation_for

from . import examples
from .csv_format import CSVRenderer
from .fields import TextField
from .json_format import JSONRenderer
from .schema import MERCHANT_ID, POS_STATION_ID_REQUIRED, errors
from .schema_reconciliation import BackfillSchema, DecisionSchema, ReconciliationSchema
from .scope import ScopeInput, resolve_scope

MAX_RANGE_DAYS = 366
# A backfill answers at once (its look-ups are 50 numbers a call): a month at a time.
MAX_BACKFILL_DAYS = 31
MSG_TO_BEFORE_FROM = "Must be on or after `from`."
MSG_RANGE_TOO_LONG = "At most {days} days from `from`."
MSG_STATION_REQUIRED = "This field is required."


class DateRangeInput(serializers.Serializer):
    """`from` and `to` (YYYY-MM-DD, both included); `from` is a Python keyword, so it is
    added in get_fields."""

    to = serializers.DateField(input_formats=["%Y-%m-%d"])
    max_days = MAX_RANGE_DAYS

    def get_fields(self) -> dict[str, serializers.Field]:
        return {"from": serializers.DateField(input_formats=["%Y-%m-%d"]), **super().get_fields()}

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        start, end = data["from"], data["to"]
        if end < start:
            raise serializers.ValidationError({"to": [MSG_TO_BEFORE_FROM]})
        if (end - start).days >= self.max_days:
            raise serializers.ValidationError(
                {"to": [MSG_RANGE_TOO_LONG.format(days=self.max_days)]}
            )
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
            (202, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="The days stored so far, one row each."
            ),
            **errors(400, 404),
        },
        examples=[examples.RECONCILIATION_ANSWER],
    )
    def get(self, request: Request) -> Response:
        merchant, outlet = resolve_scope(request, request.query_params)
        dates = DateRangeInput(data=request.query_params)
        dates.is_valid(raise_exception=True)
        if outlet is None:  # POS_STATION_ID_REQUIRED: a missing one fails like any field
            raise serializers.ValidationError({"pos_station_id": [MSG_STATION_REQUIRED]})
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


class BackfillInput(DateRangeInput):
    merchant_id = TextField(max_length=64)
    pos_station_id = TextField(max_length=64)
    dry_run = serializers.BooleanField(default=True)
    max_days = MAX_BACKFILL_DAYS


class BackfillView(APIView):
    @extend_schema(
        tags=["reconciliation"],
        summary="Send the days Xero is missing",
        description=(
            "Exports an outlet's days `from`..`to` (at most 31) from the sales already "
            "received: sales never exported, documents planned but not in Xero yet, and "
            "documents missing, voided or deleted in Xero (re-exported under a new number, "
            "`-R1`). What Xero already holds under the same number with the same total is "
            "skipped. `dry_run` (the default) lists what would be sent and sends nothing; "
            "without it the answer is 202 and the worker sends it. 409 when the outlet "
            "cannot export (not connected, mappings missing) or an export is running."
        ),
        request=BackfillInput,
        responses={200: BackfillSchema, 202: BackfillSchema, **errors(400, 404, 409, 413)},
        examples=[examples.BACKFILL_REQUEST, examples.BACKFILL_ANSWER],
    )
    def post(self, request: Request) -> Response:
        data = BackfillInput(data=request.data)
        data.is_valid(raise_exception=True)
        merchant, outlet = resolve_scope(request, request.data)
        assert outlet is not None  # pos_station_id is required by BackfillInput
        values = data.validated_data
        result = backfill(
            outlet=outlet, start=values["from"], end=values["to"], dry_run=values["dry_run"]
        )
        body = {"merchant_id": merchant.merchant_id, **backfill_body(outlet, result)}
        code = status.HTTP_200_OK if result.dry_run else status.HTTP_202_ACCEPTED
        return Response(body, status=code)


class DecisionInput(ScopeInput):
    pos_station_id = TextField(max_length=64)
    number = TextField(max_length=255)
    decision = serializers.ChoiceField(choices=DECISIONS)


class DecisionView(APIView):
    @extend_schema(
        tags=["reconciliation"],
        summary="Re-export or accept a document Xero changed",
        description=(
            "For a document the reconciliation found missing, voided or deleted in Xero: "
            "`reexport` sends its sales again once, under a new number (`-R1`); `accept` "
            "leaves Xero as it is and the day shows the difference as accepted (amber). "
            "`accept` also takes an amount changed or a payment removed in Xero. 409 when "
            "the document has no such change, or a decision was made already."
        ),
        request=DecisionInput,
        responses={200: DecisionSchema, **errors(400, 404, 409, 413)},
        examples=[examples.DECISION_REQUEST, examples.DECISION_ANSWER],
    )
    def post(self, request: Request) -> Response:
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        merchant, outlet = resolve_scope(request, request.data)
        assert outlet is not None  # pos_station_id is required by DecisionInput
        values = data.validated_data
        document = sent_document(outlet=outlet, number=values["number"])
        replacement = decide(document=document, decision=values["decision"])
        return Response(
            {
                "number": document.number,
                "decision": values["decision"],
                "replacement_number": replacement.number if replacement else None,
            }
        )
