"""Schema only: the shape of xero_integration.exports.control.SyncRequest.

These serializers document the API (drf-spectacular); they validate nothing.
"""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers


@extend_schema_serializer(component_name="SyncQueued")
class SyncQueuedSchema(serializers.Serializer):
    pos_station_id = serializers.CharField()
    task_id = serializers.CharField(
        help_text="The export task queued for the outlet's Xero organisation."
    )
    unplanned_sales = serializers.IntegerField(help_text="Sales not yet in an export document.")
    pending_documents = serializers.IntegerField(help_text="Documents pending or being sent.")


@extend_schema_serializer(component_name="SyncWaiting")
class SyncWaitingSchema(serializers.Serializer):
    pos_station_id = serializers.CharField()
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="Why the outlet cannot export now."
    )


@extend_schema_serializer(component_name="SyncRequested")
class SyncSchema(serializers.Serializer):
    queued = SyncQueuedSchema(many=True)
    waiting = SyncWaitingSchema(many=True)
