"""The latest failed exports, with Xero's message: what to fix, then replay."""

from django.conf import settings

from xero_integration.models import ExportDocument, ExportStatus

from ..states import failed_document


def latest_failures() -> list[ExportDocument]:
    """Documents (or their payments) Xero refused and nobody resolved yet, newest first."""
    failed = ExportDocument.objects.filter(failed_document()).exclude(status=ExportStatus.RESOLVED)
    return list(
        failed.select_related("outlet__merchant", "connection").order_by("-updated_at", "-id")[
            : settings.DASHBOARD_FAILURES
        ]
    )
