"""GET /api/health (and /healthz): the service's health for people and load balancers."""

from dataclasses import asdict

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..health import cached_health

EXAMPLE = {
    "status": "ok",
    "db_latency_ms": 0.42,
    "queue": {"queued": 1, "oldest_age_s": 2.5},
    "workers": {"alive": 2, "last_heartbeat_at": "2026-11-23T10:15:02.120000Z"},
    "sync_1h": {"success": 118, "failed": 2},
    "version": "0.1.0",
}
DOWN_EXAMPLE: dict[str, object] = {
    "status": "down",
    "db_latency_ms": None,
    "queue": {"queued": None, "oldest_age_s": None},
    "workers": {"alive": None, "last_heartbeat_at": None},
    "sync_1h": {"success": None, "failed": None},
    "version": "0.1.0",
}


class QueueSchema(serializers.Serializer):
    queued = serializers.IntegerField(allow_null=True, help_text="Tasks waiting for a worker.")
    oldest_age_s = serializers.FloatField(
        allow_null=True, help_text="Seconds the oldest of them has waited (null: none)."
    )


class WorkersSchema(serializers.Serializer):
    alive = serializers.IntegerField(
        allow_null=True, help_text="Worker processes seen in the last minute."
    )
    last_heartbeat_at = serializers.DateTimeField(
        allow_null=True, help_text="The newest heartbeat of any worker (null: never)."
    )


class SyncsSchema(serializers.Serializer):
    success = serializers.IntegerField(allow_null=True, help_text="Calls to Xero that succeeded.")
    failed = serializers.IntegerField(
        allow_null=True, help_text="Calls that failed or Xero partly refused."
    )


class HealthSchema(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["ok", "degraded", "down"],
        help_text="`degraded`: no worker seen for a minute, or a task queued for over five "
        "minutes (exports wait). `down` (HTTP 503): the database does not answer.",
    )
    db_latency_ms = serializers.FloatField(allow_null=True)
    queue = QueueSchema(help_text="Every figure null when down.")
    workers = WorkersSchema(help_text="Every figure null when down.")
    sync_1h = SyncsSchema(help_text="Calls to Xero in the last hour; null when down.")
    version = serializers.CharField()


class HealthView(APIView):
    """Public: no key, no merchant data; served from a cache of a second or two."""

    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []

    @extend_schema(
        tags=["service"],
        summary="Service health",
        description=(
            "Whether the service can do its work: database latency, the task queue, the "
            "workers' heartbeat and the last hour's calls to Xero. No API key. A load "
            "balancer should take HTTP 503 (`down`) out of rotation; `degraded` still "
            "serves the API, but exports wait. `/healthz` answers the same."
        ),
        responses={
            200: OpenApiResponse(HealthSchema, description="Up: `ok` or `degraded`."),
            503: OpenApiResponse(HealthSchema, description="`down`: the database does not answer."),
        },
        examples=[
            OpenApiExample("Healthy", value=EXAMPLE, response_only=True, status_codes=["200"]),
            OpenApiExample("Down", value=DOWN_EXAMPLE, response_only=True, status_codes=["503"]),
        ],
    )
    def get(self, request: Request) -> Response:
        health = cached_health()
        body = asdict(health)
        return Response(body, status=health.http_status, headers={"Cache-Control": "no-store"})
