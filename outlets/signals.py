"""A key whose merchants change, or that is changed in the admin, gets a new data version,
so no answer kept for it in its old scope is served again (outlets.services)."""

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from .models import ApiClient
from .services import raise_data_version


@receiver(post_save, sender=ApiClient)
@receiver(m2m_changed, sender=ApiClient.merchants.through)
def new_data_version_for_changed_keys(
    sender: Any, instance: Any, action: str = "", pk_set: set | None = None, **kwargs: Any
) -> None:
    if isinstance(instance, ApiClient):
        clients = {instance.pk}
    elif action == "pre_clear":  # a merchant's keys, found before they are taken away
        clients = set(instance.api_clients.values_list("pk", flat=True))
    else:  # a merchant given to keys or taken from them
        clients = set(pk_set or ())
    # Once committed: raised before, an answer computed meanwhile in the old scope would be
    # kept under the new version.
    transaction.on_commit(lambda: raise_data_version(clients))
