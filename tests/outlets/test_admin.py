"""The API client admin: keys shown once, stored hashed, revoked for good."""

import re

from django.urls import reverse

from outlets.forms import API_CLIENT_BOTH_SCOPES, API_CLIENT_NO_SCOPE
from outlets.models import ApiClient
from outlets.services import authenticate_api_key, create_api_client, hash_api_key

KEY_PATTERN = re.compile(r"xb_[A-Za-z0-9_-]{20,}")


def test_api_client_changelist_and_change_page_answer(admin_client, merchant):
    client = create_api_client(name="POS platform", merchant_ids=[merchant.merchant_id]).client

    changelist = admin_client.get(reverse("admin:outlets_apiclient_changelist"))
    change = admin_client.get(reverse("admin:outlets_apiclient_change", args=[client.pk]))

    assert changelist.status_code == 200
    assert change.status_code == 200
    assert client.key_prefix.encode() in change.content
    assert client.key_hash.encode() not in change.content


def test_api_client_added_in_admin_shows_its_key_once_and_stores_only_the_hash(
    admin_client, merchant
):
    response = admin_client.post(
        reverse("admin:outlets_apiclient_add"),
        {"name": "POS platform", "merchants": [merchant.pk]},
        follow=True,
    )

    messages = [str(m) for m in response.context["messages"]]
    found = KEY_PATTERN.search(" ".join(messages))
    assert found is not None
    key = found.group()
    assert f"API key for 'POS platform': {key} — copy it now" in messages[0]
    client = ApiClient.objects.get()
    assert client.key_hash == hash_api_key(key)
    assert key.startswith(client.key_prefix)
    assert authenticate_api_key(key) == client
    assert list(client.merchants.all()) == [merchant]
    assert key not in admin_client.get(reverse("admin:outlets_apiclient_changelist")).text


def post_api_client(admin_client, **fields):
    return admin_client.post(
        reverse("admin:outlets_apiclient_add"), {"name": "POS platform", **fields}
    )


def test_api_client_needs_merchants_or_all_merchants(admin_client, merchant):
    response = post_api_client(admin_client)

    assert response.context["adminform"].form.non_field_errors() == [API_CLIENT_NO_SCOPE]
    assert not ApiClient.objects.exists()


def test_api_client_cannot_have_merchants_and_all_merchants(admin_client, merchant):
    response = post_api_client(admin_client, all_merchants="on", merchants=[merchant.pk])

    assert response.context["adminform"].form.non_field_errors() == [API_CLIENT_BOTH_SCOPES]
    assert not ApiClient.objects.exists()


def test_revoke_action_deactivates_keys_and_they_stop_authenticating(admin_client, merchant):
    new_key = create_api_client(name="POS platform", merchant_ids=[merchant.merchant_id])
    untouched = create_api_client(name="Other", all_merchants=True)

    response = admin_client.post(
        reverse("admin:outlets_apiclient_changelist"),
        {"action": "revoke", "_selected_action": [new_key.client.pk]},
        follow=True,
    )

    assert "Revoked 1 API key." in [str(m) for m in response.context["messages"]]
    new_key.client.refresh_from_db()
    assert new_key.client.is_active is False
    assert authenticate_api_key(new_key.key) is None
    assert authenticate_api_key(untouched.key) == untouched.client


def test_staff_who_may_only_view_api_clients_cannot_revoke_keys(client, merchant, viewer):
    new_key = create_api_client(name="POS platform", merchant_ids=[merchant.merchant_id])
    client.force_login(viewer)

    client.post(
        reverse("admin:outlets_apiclient_changelist"),
        {"action": "revoke", "_selected_action": [new_key.client.pk]},
    )

    assert authenticate_api_key(new_key.key) == new_key.client


def test_revoke_is_not_offered_to_staff_who_may_only_view_api_clients(client, merchant, viewer):
    create_api_client(name="POS platform", merchant_ids=[merchant.merchant_id])
    client.force_login(viewer)

    response = client.get(reverse("admin:outlets_apiclient_changelist"))

    assert response.status_code == 200
    assert b'value="revoke"' not in response.content


# Export settings on the outlet's page


def outlet_page_data(outlet, **settings) -> dict:
    """The outlet's change form as the admin posts it, with its export settings inline."""
    export = outlet.export_settings
    data = {
        "name": outlet.name,
        "timezone": outlet.timezone,
        "is_active": "on",
        "export_settings-TOTAL_FORMS": "1",
        "export_settings-INITIAL_FORMS": "1",
        "export_settings-0-id": str(export.pk),
        "export_settings-0-outlet": str(outlet.pk),
        "export_settings-0-frequency": export.frequency,
        "export_settings-0-grouping": export.grouping,
        "export_settings-0-daily_at": "02:00",
        "export_settings-0-business_day_start_hour": "0",
        "export_settings-0-number_prefix": export.number_prefix,
        "export_settings-0-enabled": "on",
        "mappings-TOTAL_FORMS": "0",
        "mappings-INITIAL_FORMS": "0",
    }
    return data | {f"export_settings-0-{k}": v for k, v in settings.items()}


def test_admin_refuses_a_number_prefix_another_outlet_uses_like_the_api(admin_client, outlet):
    from outlets.services import DUPLICATE_PREFIX
    from tests.factories import OutletFactory

    second = OutletFactory.create(merchant=outlet.merchant, pos_station_id="S2")
    url = reverse("admin:outlets_outlet_change", args=[second.pk])

    response = admin_client.post(url, outlet_page_data(second, number_prefix="poss1"))

    assert response.status_code == 200  # the form again, not saved
    expected = DUPLICATE_PREFIX.format(station="S1", prefix="poss1")
    assert expected.replace("'", "&#x27;") in response.content.decode()
    second.export_settings.refresh_from_db()
    assert second.export_settings.number_prefix == ""


def test_outlet_page_previews_its_document_numbers(admin_client, outlet):
    outlet.export_settings.grouping = "per_sale"
    outlet.export_settings.save()

    page = admin_client.get(reverse("admin:outlets_outlet_change", args=[outlet.pk]))

    assert "POSS1-&lt;sale id&gt;, e.g. POSS1-1001" in page.content.decode()


def test_admin_refuses_a_taken_prefix_on_a_new_outlet_too(admin_client, outlet):
    from tests.admin_forms import outlet_add_data

    data = outlet_add_data(outlet.merchant, **{"export_settings-0-number_prefix": "POSS1"})

    response = admin_client.post(reverse("admin:outlets_outlet_add"), data)

    assert response.status_code == 200
    assert "already uses the prefix" in response.content.decode()
    assert not outlet.merchant.outlets.filter(pos_station_id="S9").exists()
