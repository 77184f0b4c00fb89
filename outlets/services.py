"""Writes for merchants, outlets and API clients."""

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from config.errors import NotFound

from .models import ApiClient, ExportSettings, Merchant, Outlet

API_KEY_PREFIX = "xb_"
# Last-used time is informative; writing it on every request would make each API call
# an UPDATE, so it is only refreshed once a minute.
LAST_USED_RESOLUTION_SECONDS = 60


class MerchantNotFound(NotFound):
    def __init__(self, merchant_id: str):
        super().__init__(f"Unknown merchant '{merchant_id}'.")
        self.merchant_id = merchant_id


def create_merchant(
    *, merchant_id: str, name: str, currency: str = "AUD", amounts_include_tax: bool = True
) -> tuple[Merchant, bool]:
    """Create a merchant, or update the name and defaults of an existing one.

    Returns the merchant and whether it was created.
    """
    merchant = Merchant.objects.filter(merchant_id=merchant_id).first() or Merchant(
        merchant_id=merchant_id
    )
    created = merchant.pk is None
    merchant.name = name
    merchant.currency = currency.upper()
    merchant.amounts_include_tax = amounts_include_tax
    merchant.full_clean()
    merchant.save()
    return merchant, created


def get_merchant(*, merchant_id: str) -> Merchant:
    try:
        return Merchant.objects.get(merchant_id=merchant_id)
    except Merchant.DoesNotExist:
        raise MerchantNotFound(merchant_id) from None


@transaction.atomic
def create_outlet(
    *, merchant_id: str, pos_station_id: str, name: str, timezone_name: str
) -> tuple[Outlet, bool]:
    """Create an outlet with default export settings, or update an existing one."""
    merchant = get_merchant(merchant_id=merchant_id)
    outlet = Outlet.objects.filter(merchant=merchant, pos_station_id=pos_station_id).first()
    created = outlet is None
    outlet = outlet or Outlet(merchant=merchant, pos_station_id=pos_station_id)
    outlet.name = name
    outlet.timezone = timezone_name
    outlet.full_clean()
    outlet.save()
    ExportSettings.objects.get_or_create(outlet=outlet)
    return outlet, created


def hash_api_key(key: str) -> str:
    # Keys are 256-bit random strings, so a fast hash is enough: there is nothing to
    # brute-force that a slow hash would protect.
    return hashlib.sha256(key.encode()).hexdigest()


def generate_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class NewApiKey:
    client: ApiClient
    key: str


@transaction.atomic
def create_api_client(
    *, name: str, merchant_ids: list[str] | None = None, all_merchants: bool = False
) -> NewApiKey:
    """Create an API client and return its key, which is not stored anywhere."""
    if all_merchants == bool(merchant_ids):
        raise ValidationError("Give either merchants or all merchants, not both or neither.")
    merchants = [get_merchant(merchant_id=mid) for mid in merchant_ids or []]
    key = generate_api_key()
    client = ApiClient(
        name=name,
        all_merchants=all_merchants,
        key_prefix=key[: len(API_KEY_PREFIX) + 6],
        key_hash=hash_api_key(key),
    )
    client.full_clean()
    client.save()
    client.merchants.set(merchants)
    return NewApiKey(client=client, key=key)


def authenticate_api_key(key: str) -> ApiClient | None:
    """The active client holding `key`, or None."""
    # Every API request asks this: the query is written out, as compiling it took most of
    # an API request's own time (issue 12's profile).
    found = ApiClient.objects.raw(
        "SELECT * FROM outlets_apiclient WHERE key_hash = %s AND is_active = %s",
        [hash_api_key(key), True],
    )
    client = next(iter(found), None)
    if client is None:
        return None
    now = timezone.now()
    stale = client.last_used_at is None or (
        (now - client.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS
    )
    if stale:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    return client


def revoke_api_client(*, client: ApiClient) -> None:
    ApiClient.objects.filter(pk=client.pk).update(is_active=False)


def raise_data_version(client_pks: Iterable[int]) -> None:
    """What the keys may see, or what they see, has changed: answers kept for them end."""
    ApiClient.objects.filter(pk__in=list(client_pks)).update(data_version=F("data_version") + 1)


EXPORT_SETTING_FIELDS = (
    "frequency",
    "grouping",
    "daily_at",
    "business_day_start_hour",
    "number_prefix",
    "enabled",
    "lock_date_policy",
)
DUPLICATE_PREFIX = "Outlet '{station}' of this merchant already uses the prefix '{prefix}'."


def check_prefix_is_unique(settings: ExportSettings) -> None:
    """Two outlets of one merchant with one prefix, set or derived, would make clashing
    Xero numbers. (Across merchants sharing a Xero organisation, readiness reports it.)"""
    prefix = settings.effective_prefix
    others = ExportSettings.objects.filter(outlet__merchant_id=settings.outlet.merchant_id).exclude(
        pk=settings.pk
    )
    for other in others.select_related("outlet"):
        if other.effective_prefix.upper() == prefix.upper():
            raise ValidationError(
                {
                    "number_prefix": [
                        DUPLICATE_PREFIX.format(station=other.outlet.pos_station_id, prefix=prefix)
                    ]
                }
            )


def update_export_settings(*, outlet: Outlet, **changes: Any) -> ExportSettings:
    """Change an outlet's export settings; raises ValidationError naming each bad field."""
    settings = outlet.export_settings
    for name, value in changes.items():
        if name not in EXPORT_SETTING_FIELDS:
            raise ValidationError({name: ["Unknown setting."]})
        setattr(settings, name, value)
    settings.full_clean()
    check_prefix_is_unique(settings)
    # A changed schedule takes effect from now rather than from the old due time.
    settings.next_export_at = None
    settings.save()
    return settings
