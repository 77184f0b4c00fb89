"""Reads that enforce which merchants an API client may see."""

from django.db.models import QuerySet

from config.errors import NotFound
from config.text import is_clean_text

from .models import ApiClient, Merchant, Outlet


class NotInScope(NotFound):
    """The merchant or outlet does not exist, or the client may not see it.

    Both answer the same so that merchant ids cannot be probed.
    """


def merchants_visible_to(client: ApiClient) -> QuerySet[Merchant]:
    if client.all_merchants:
        return Merchant.objects.all()
    return Merchant.objects.filter(api_clients=client)


def merchant_for_client(*, client: ApiClient, merchant_id: str) -> Merchant:
    # An id with a control character is never stored (and PostgreSQL refuses a NUL in the
    # query): it is simply not found, like any other unknown id.
    clean = is_clean_text(merchant_id)
    merchant = (
        merchants_visible_to(client).filter(merchant_id=merchant_id).first() if clean else None
    )
    if merchant is None:
        raise NotInScope(f"Merchant '{merchant_id}' was not found.")
    return merchant


def outlet_for_merchant(*, merchant: Merchant, pos_station_id: str) -> Outlet:
    outlet = merchant.outlets.filter(pos_station_id=pos_station_id).first()
    if outlet is None:
        raise NotInScope(
            f"Outlet '{pos_station_id}' was not found for merchant '{merchant.merchant_id}'."
        )
    return outlet


def outlets_of(merchant: Merchant) -> QuerySet[Outlet]:
    return merchant.outlets.all()
