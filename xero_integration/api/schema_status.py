"""Schema only: the status endpoint's answer (xero_integration.exports.selectors.export_status).

These serializers document the API (drf-spectacular); they validate nothing.
"""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from xero_integration.models import ConnectionStatus


@extend_schema_serializer(component_name="Connection")
class ConnectionSchema(serializers.Serializer):
    status = serializers.ChoiceField(choices=ConnectionStatus.choices)
    status_reason = serializers.CharField()
    tenant_id = serializers.CharField()
    tenant_name = serializers.CharField()
    access_token_expires_at = serializers.DateTimeField(allow_null=True)
    refresh_token_expires_at = serializers.DateTimeField(allow_null=True)
    last_refreshed_at = serializers.DateTimeField(allow_null=True)
    export_running_since = serializers.DateTimeField(
        allow_null=True, help_text="An export run holds the organisation since then."
    )
    export_claim_stale_since = serializers.DateTimeField(
        allow_null=True,
        help_text="The run holding the organisation stopped renewing its claim then (its "
        "worker died); the next run takes it over within a minute.",
    )
    stale_claim_recovered_at = serializers.DateTimeField(
        allow_null=True, help_text="When a run last took over a dead run's claim."
    )
    daily_call_limit = serializers.IntegerField(
        help_text="The organisation's daily budget of Xero API calls: 5,000, or 1,000 on "
        "Xero's Starter plan. Calls wait rather than exceed it."
    )
    calls_last_24h = serializers.IntegerField(
        help_text="Calls to the organisation in the last 24 hours."
    )


@extend_schema_serializer(component_name="MappingProblem")
class MappingProblemSchema(serializers.Serializer):
    type = serializers.CharField(
        help_text="The mapping type: revenue, payments, tax, tracking or special."
    )
    key = serializers.CharField(
        allow_null=True, help_text="The POS value; null when any key of the type will do."
    )
    reason = serializers.CharField()


@extend_schema_serializer(component_name="UnmappedKey")
class UnmappedKeySchema(serializers.Serializer):
    type = serializers.CharField(
        help_text="The mapping type the value needs: revenue, payments, tax or special."
    )
    key = serializers.CharField(help_text="The POS value, as the sales carry it.")
    sales = serializers.IntegerField(help_text="Sales not yet in Xero that hold it.")
    reason = serializers.CharField()


@extend_schema_serializer(component_name="EarlyWarning")
class WarningSchema(serializers.Serializer):
    kind = serializers.CharField(
        help_text=(
            "lock_date, refresh_token_expiring, archived_mapping, overdue or "
            "reconciliation_difference."
        )
    )
    detail = serializers.CharField()


@extend_schema_serializer(component_name="ExportStatus")
class StatusSchema(serializers.Serializer):
    merchant_id = serializers.CharField()
    pos_station_id = serializers.CharField(allow_null=True)
    can_export = serializers.BooleanField()
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="Why it cannot export now."
    )
    connection = ConnectionSchema(allow_null=True)
    last_successful_sync_at = serializers.DateTimeField(
        allow_null=True, help_text="When Xero last accepted an export document."
    )
    last_failed_sync_at = serializers.DateTimeField(
        allow_null=True, help_text="When a call to Xero last failed or was partly refused."
    )
    exported_sales = serializers.IntegerField(help_text="Sales in documents Xero has.")
    pending_sales = serializers.IntegerField(help_text="Sales not yet in Xero.")
    pending_exports = serializers.IntegerField(help_text="Documents pending or being sent.")
    failed_exports = serializers.IntegerField(
        help_text="Documents (or their payments) that failed and need a person."
    )
    waiting_exports = serializers.IntegerField(
        help_text="Documents (or their payments) held on a mapping or on Xero's reference "
        "data; they go out by themselves once it is fixed."
    )
    missing_mappings = MappingProblemSchema(many=True)
    invalid_mappings = MappingProblemSchema(many=True)
    unmapped_keys = UnmappedKeySchema(
        many=True,
        help_text="Every POS value the outlet's sales not yet in Xero carry that nothing maps. "
        "Those sales wait (the others go) and go out by themselves once it is mapped.",
    )
    warnings = WarningSchema(
        many=True,
        help_text="Trouble that is coming: a lock date about to cover unexported days, a "
        "connection that will expire, a mapping Xero archived, an outlet overdue.",
    )
