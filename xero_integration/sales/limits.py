"""How large an amount and how long a text may be: read from the database fields that hold them.

A sale is checked against these before it is stored, and a document before it is sent,
so nothing is accepted that the database cannot store or give back (a DecimalField
holds max_digits - decimal_places digits before the point; PostgreSQL refuses more,
and SQLite stores the value but Django cannot read it back). Reading the fields' own
definitions keeps the limits right when a field changes.
"""

from decimal import Decimal

from django.db.models import DecimalField

from outlets.models import Outlet

from ..models import ExportDocument, Sale


def largest_amount(field: DecimalField) -> Decimal:
    """The largest value the field holds, e.g. 999999999999.99 for 14 digits, 2 places."""
    assert field.max_digits is not None and field.decimal_places is not None
    step = Decimal(1).scaleb(-field.decimal_places)
    return Decimal(10) ** (field.max_digits - field.decimal_places) - step


def _decimal_field(model: type[Sale] | type[ExportDocument], name: str) -> DecimalField:
    field = model._meta.get_field(name)
    assert isinstance(field, DecimalField)
    return field


# A sale's total and a document's total; a document holds one sale or a day of them.
MAX_AMOUNT = min(
    largest_amount(_decimal_field(Sale, "total")),
    largest_amount(_decimal_field(ExportDocument, "total")),
)
SALE_ID_MAX_LENGTH = Sale._meta.get_field("sale_id").max_length or 0
STATION_MAX_LENGTH = Outlet._meta.get_field("pos_station_id").max_length or 0
# A customer id becomes the Xero contact's ContactNumber (spec Contact: max length 50).
CUSTOMER_ID_MAX_LENGTH = 50
