"""GET/PUT /api/alerts/settings: where a merchant's alerts go (emails, signed webhook)."""

from urllib.parse import urlsplit

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xero_integration.api.schema import MERCHANT_ID, errors
from xero_integration.api.scope import resolve_scope

from ..selectors import alert_settings_of
from ..services import update_alert_settings

MAX_EMAILS = 20
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
HTTPS_ONLY = "Use an https:// URL (plain http only for localhost)."
DESCRIPTION = (
    "Alerts go out when exports of an outlet fail, when the Xero connection needs "
    "reconnecting, or when an outlet has exported nothing for longer than its frequency "
    "allows: once per problem, and once more when it clears. Each is an email to "
    "`finance_emails` and a POST to `webhook_url` with a JSON body "
    '`{"event": "problem.opened" | "problem.cleared", "problem": {…}}`, signed: '
    "`X-Xero-Bridge-Signature: t=<unix seconds>,v1=<hex>` where `<hex>` is "
    'HMAC-SHA256 with `webhook_secret` over `"<t>." + body`. Check it, and refuse a `t` '
    "more than five minutes old. A webhook that does not answer 2xx is retried with "
    "backoff."
)
SETTINGS_EXAMPLE = {
    "merchant_id": "M1",
    "finance_emails": ["accounts@harbourcafe.example"],
    "webhook_url": "https://pos.example.com/hooks/xero-bridge",
    "webhook_secret": "whsec_2fQ0m3Jx9kR1vYcZ8sLw4nB7tH6pD5aE0uGiK3oV1qM",
    "updated_at": "2026-11-23T10:15:00Z",
}
INPUT_EXAMPLE = {
    "merchant_id": "M1",
    "finance_emails": ["accounts@harbourcafe.example"],
    "webhook_url": "https://pos.example.com/hooks/xero-bridge",
}


def validate_webhook_url(url: str) -> None:
    parts = urlsplit(url)
    if url and parts.scheme != "https" and parts.hostname not in LOCAL_HOSTS:
        raise serializers.ValidationError(HTTPS_ONLY)


class AlertSettingsView(APIView):
    @extend_schema_serializer(component_name="AlertSettings")
    class Output(serializers.Serializer):
        merchant_id = serializers.CharField()
        finance_emails = serializers.ListField(child=serializers.EmailField())
        webhook_url = serializers.CharField(help_text="Empty: no webhook.")
        webhook_secret = serializers.CharField(
            allow_null=True, help_text="Signs every webhook; null until settings are first saved."
        )
        updated_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_serializer(component_name="AlertSettingsInput")
    class Input(serializers.Serializer):
        merchant_id = serializers.CharField(max_length=64)
        finance_emails = serializers.ListField(
            child=serializers.EmailField(), max_length=MAX_EMAILS, required=False
        )
        webhook_url = serializers.URLField(
            max_length=500, allow_blank=True, required=False, validators=[validate_webhook_url]
        )
        rotate_secret = serializers.BooleanField(
            default=False, help_text="Issue a new webhook secret (the old one stops at once)."
        )

    @extend_schema(
        tags=["alerts"],
        summary="Where a merchant's alerts go",
        description=DESCRIPTION,
        parameters=[MERCHANT_ID],
        responses={200: Output, **errors(400, 404)},
        examples=[OpenApiExample("Settings", value=SETTINGS_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request) -> Response:
        merchant, _ = resolve_scope(request, request.query_params)
        return Response(self.Output(alert_settings_of(merchant=merchant)).data)

    @extend_schema(
        tags=["alerts"],
        summary="Change where a merchant's alerts go",
        description="Send only what changes. " + DESCRIPTION,
        request=Input,
        responses={200: Output, **errors(400, 404)},
        examples=[
            OpenApiExample("Emails and a webhook", value=INPUT_EXAMPLE, request_only=True),
            OpenApiExample("Settings", value=SETTINGS_EXAMPLE, response_only=True),
        ],
    )
    def put(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        merchant, _ = resolve_scope(request, {"merchant_id": data.validated_data["merchant_id"]})
        changes = {k: v for k, v in data.validated_data.items() if k != "merchant_id"}
        update_alert_settings(merchant=merchant, **changes)
        return Response(self.Output(alert_settings_of(merchant=merchant)).data)
