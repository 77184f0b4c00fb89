"""Export states, read through small functions so a new state is added in one place.

Another state (e.g. "waiting", for documents held on a fix) may join ExportStatus; a
document in it is still on its way, so it counts as waiting here if it exists.
"""

from django.db.models import Q

from xero_integration.models import ExportStatus

# States of a document (or its payments) still on the way to Xero, in the order they pass.
ON_THE_WAY = ("pending", "waiting", "sending")


def on_the_way() -> list[str]:
    """Statuses of work not yet in Xero and not failed: pending, sending (and waiting)."""
    return [status for status in ON_THE_WAY if status in ExportStatus.values]


def failed_document() -> Q:
    """A document, or its payments, that Xero refused: a person must look."""
    return Q(status=ExportStatus.FAILED) | Q(payments_status=ExportStatus.FAILED)


def sale_not_in_xero(prefix: str = "") -> Q:
    """A sale not yet in a document, or in one still on its way (`prefix`: a path to the sale)."""
    return Q(**{f"{prefix}document__isnull": True}) | Q(
        **{f"{prefix}document__status__in": on_the_way()}
    )


def sent() -> list[str]:
    return [ExportStatus.SENT]
