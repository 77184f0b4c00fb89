"""A demo merchant, outlet and API key for a newcomer's first run (scripts/run)."""

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import ApiClient
from .services import NewApiKey, create_api_client, create_merchant, create_outlet

DEMO_MERCHANT_ID = "demo-merchant"
DEMO_STATION_ID = "demo-station-1"
DEMO_CLIENT_NAME = "Demo POS"
DEMO_ADMIN = ("admin", "admin")


@transaction.atomic
def set_up_demo() -> NewApiKey:
    """Create the demo data if missing, and a fresh demo API key.

    Keys cannot be shown twice, so each run revokes the previous demo key and prints a
    new one.
    """
    create_merchant(merchant_id=DEMO_MERCHANT_ID, name="Demo Cafe")
    create_outlet(
        merchant_id=DEMO_MERCHANT_ID,
        pos_station_id=DEMO_STATION_ID,
        name="Demo Cafe - Front Counter",
        timezone_name="Australia/Sydney",
    )
    ApiClient.objects.filter(name=DEMO_CLIENT_NAME).update(is_active=False)
    return create_api_client(name=DEMO_CLIENT_NAME, merchant_ids=[DEMO_MERCHANT_ID])


def ensure_demo_admin() -> bool:
    """A local superuser admin/admin, only if there is no superuser at all."""
    users = get_user_model().objects
    if users.filter(is_superuser=True).exists():
        return False
    users.create_superuser(DEMO_ADMIN[0], "admin@example.com", DEMO_ADMIN[1])
    return True
