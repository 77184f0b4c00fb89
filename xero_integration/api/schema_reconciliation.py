"""Schema only: the reconciliation and backfill answers (xero_integration/reconciliation/).

These serializers document the API (drf-spectacular); they validate nothing.
"""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from xero_integration.models import DayStatus, DocumentKind, XeroChange, XeroChangeDecision
from xero_integration.reconciliation.decisions import DECISIONS

AMOUNT_HELP = "A decimal string with 2 decimal places."


def amount() -> serializers.CharField:
    return serializers.CharField(help_text=AMOUNT_HELP)


@extend_schema_serializer(component_name="ReconciliationFigures")
class FiguresSchema(serializers.Serializer):
    sales = amount()
    refunds = amount()
    net = serializers.CharField(help_text="Sales less refunds.")
    tax = serializers.CharField(help_text="Tax on sales less tax on refunds.")
    paid = serializers.CharField(help_text="Payments on sales less refund payments.")


@extend_schema_serializer(component_name="ReconciliationPosFigures")
class PosFiguresSchema(FiguresSchema):
    tips = amount()
    surcharges = amount()
    rounding = amount()
    payments = serializers.DictField(
        child=serializers.CharField(), help_text="Each POS payment method, net of refunds."
    )


@extend_schema_serializer(component_name="ReconciliationFlag")
class FlagSchema(serializers.Serializer):
    severity = serializers.ChoiceField(choices=["red", "amber"])
    flag = serializers.CharField(
        help_text="missing, voided, deleted, amount_changed, payment_removed, totals_differ "
        "(red); not_planned, not_exported, payments_not_exported, unreadable, accepted, "
        "replaced, resolved_outside_xero (amber)."
    )
    number = serializers.CharField(allow_null=True, help_text="The document it is about.")
    detail = serializers.CharField()


@extend_schema_serializer(component_name="ReconciliationDocument")
class DocumentSchema(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    status = serializers.CharField(help_text="The export's status here.")
    total = serializers.CharField(allow_null=True, help_text="Its total as sent.")
    xero_status = serializers.CharField(
        allow_null=True, help_text="Its status in Xero now (MISSING: Xero has no such number)."
    )
    xero_total = serializers.CharField(allow_null=True)
    xero_paid = serializers.CharField(allow_null=True)
    change = serializers.ChoiceField(choices=XeroChange.choices, allow_null=True)
    decision = serializers.ChoiceField(choices=XeroChangeDecision.choices, allow_null=True)
    replaced_by = serializers.CharField(
        allow_null=True, help_text="The number it was re-exported under."
    )


@extend_schema_serializer(component_name="ReconciliationDay")
class DaySchema(serializers.Serializer):
    business_date = serializers.DateField()
    status = serializers.ChoiceField(choices=DayStatus.choices)
    pos = PosFiguresSchema()
    xero = FiguresSchema()
    difference = FiguresSchema(help_text="Xero minus the POS: negative when Xero holds less.")
    flags = FlagSchema(many=True)
    documents = DocumentSchema(many=True)
    checked_at = serializers.DateTimeField(help_text="When Xero was read for this day.")


@extend_schema_serializer(component_name="Reconciliation")
class ReconciliationSchema(serializers.Serializer):
    merchant_id = serializers.CharField()
    pos_station_id = serializers.CharField()
    state = serializers.ChoiceField(
        choices=["done", "queued"],
        help_text="done: read from Xero now. queued: the range is long, the worker reads it; "
        "the days are those stored from earlier reads (ask again later).",
    )
    task_id = serializers.CharField(
        allow_null=True,
        help_text="When queued: the first of the tasks reading the range, one a week.",
    )
    days = DaySchema(many=True, help_text="Days with sales or documents; quiet days are left out.")


@extend_schema_serializer(component_name="BackfillDocument")
class BackfillItemSchema(serializers.Serializer):
    business_date = serializers.DateField()
    number = serializers.CharField(help_text="The number it goes (or went) to Xero under.")
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    total = serializers.CharField(help_text=AMOUNT_HELP)
    reason = serializers.CharField(
        help_text="not_exported (never sent), not_sent (planned, not in Xero yet), or what "
        "Xero did to the document sent before: missing, voided, deleted."
    )
    sales = serializers.IntegerField()
    lock_date = serializers.CharField(
        help_text="Empty when its day is open in Xero; else what Xero's lock date does to "
        "it under the outlet's policy: held for a person (and why), or the first open date "
        "it is posted on."
    )


@extend_schema_serializer(component_name="Backfill")
class BackfillSchema(serializers.Serializer):
    merchant_id = serializers.CharField()
    pos_station_id = serializers.CharField()
    dry_run = serializers.BooleanField()
    days = serializers.ListField(
        child=serializers.DateField(), help_text="The days with something to send."
    )
    to_send = BackfillItemSchema(many=True)
    skipped = BackfillItemSchema(
        many=True, help_text="Already in Xero under the same number with the same total."
    )


@extend_schema_serializer(component_name="Decision")
class DecisionSchema(serializers.Serializer):
    number = serializers.CharField()
    decision = serializers.ChoiceField(choices=DECISIONS)
    replacement_number = serializers.CharField(
        allow_null=True, help_text="The new number it is re-exported under."
    )
