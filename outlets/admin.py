"""Admin of API clients: keys are issued once, shown once, and revoked, never edited.

Merchants and outlets are edited on pages that also show their mappings and Xero health,
composed in xero_integration/admin/merchants.py.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.template.defaultfilters import pluralize

from .forms import ApiClientForm
from .models import ApiClient
from .services import API_KEY_PREFIX, generate_api_key, hash_api_key, revoke_api_client

API_KEY_SHOWN_ONCE = "API key for '{name}': {key} — copy it now, it will not be shown again."


def issue_api_key(client: ApiClient) -> str:
    """Give a new client a key; only its hash and a short prefix are kept."""
    key = generate_api_key()
    client.key_hash = hash_api_key(key)
    client.key_prefix = key[: len(API_KEY_PREFIX) + 6]  # as services.create_api_client
    return key


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    form = ApiClientForm
    list_display = (
        "name",
        "key_prefix",
        "all_merchants",
        "is_active",
        "last_used_at",
        "created_at",
    )
    list_filter = ("is_active", "all_merchants", "merchants")
    search_fields = ("name", "key_prefix")
    filter_horizontal = ("merchants",)
    actions = ("revoke",)

    def get_fields(self, request: HttpRequest, obj: ApiClient | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("name", "all_merchants", "merchants")
        return (
            "name",
            "key_prefix",
            "all_merchants",
            "merchants",
            "is_active",
            "last_used_at",
            "created_at",
        )

    def get_readonly_fields(
        self, request: HttpRequest, obj: ApiClient | None = None
    ) -> tuple[str, ...]:
        # is_active is read-only: a revoked key stays revoked; issue a new one instead.
        return ("key_prefix", "is_active", "last_used_at", "created_at") if obj else ()

    def save_model(
        self, request: HttpRequest, obj: ApiClient, form: ModelForm, change: bool
    ) -> None:
        key = None if change else issue_api_key(obj)
        super().save_model(request, obj, form, change)
        if key:
            messages.success(request, API_KEY_SHOWN_ONCE.format(name=obj.name, key=key))

    # Only for staff who may change API clients: a view-only user could otherwise cut
    # every POS off.
    @admin.action(description="Revoke selected keys", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        clients = list(queryset.filter(is_active=True))
        for client in clients:
            revoke_api_client(client=client)
        count = len(clients)
        self.message_user(request, f"Revoked {count} API key{pluralize(count)}.", messages.SUCCESS)
