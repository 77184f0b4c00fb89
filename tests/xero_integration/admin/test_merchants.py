"""Merchant and outlet pages: outlets, mappings and Xero health at a glance."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from mappings.models import Mapping
from outlets.forms import OTHER_MERCHANTS_CONNECTION
from outlets.models import ExportSettings, Outlet
from tests.admin_forms import add_inline_row, form_data, outlet_add_data, queries_to_render
from tests.factories import MappingFactory, MerchantFactory, OutletFactory, XeroConnectionFactory
from xero_integration.models import ExportDocument

# Merchants


def test_merchant_changelist_shows_outlet_count_and_xero_status(admin_client, outlet):
    XeroConnectionFactory.create(merchant=outlet.merchant, status="needs_reconnect")

    response = admin_client.get(reverse("admin:outlets_merchant_changelist"))

    assert response.status_code == 200
    row = response.context["cl"].result_list.get(pk=outlet.merchant.pk)
    assert (row.outlet_count, row.xero_status) == (1, "needs_reconnect")
    assert b"Needs reconnect" in response.content


def test_merchant_changelist_does_not_query_per_row(admin_client, merchant):
    url = reverse("admin:outlets_merchant_changelist")
    OutletFactory.create(merchant=merchant)
    XeroConnectionFactory.create(merchant=merchant)
    one_merchant = queries_to_render(admin_client, url)

    for _ in range(3):
        XeroConnectionFactory.create(merchant=OutletFactory.create().merchant)

    assert queries_to_render(admin_client, url) == one_merchant


def test_merchant_filter_finds_merchants_needing_reconnect(admin_client, merchant, other_merchant):
    XeroConnectionFactory.create(merchant=merchant, status="needs_reconnect")
    XeroConnectionFactory.create(merchant=other_merchant, status="active")

    response = admin_client.get(
        reverse("admin:outlets_merchant_changelist"), {"xero": "needs_reconnect"}
    )

    assert list(response.context["cl"].result_list) == [merchant]


def test_merchant_filter_finds_merchants_not_connected(admin_client, merchant, other_merchant):
    XeroConnectionFactory.create(merchant=other_merchant)

    response = admin_client.get(
        reverse("admin:outlets_merchant_changelist"), {"xero": "not_connected"}
    )

    assert list(response.context["cl"].result_list) == [merchant]


def test_merchant_page_lists_outlets_and_only_merchant_level_mappings(admin_client, outlet):
    merchant = outlet.merchant
    default = MappingFactory.create(merchant=merchant, pos_value="coffee", xero_value="200")
    MappingFactory.create(merchant=merchant, outlet=outlet, pos_value="coffee", xero_value="210")

    response = admin_client.get(reverse("admin:outlets_merchant_change", args=[merchant.pk]))

    assert response.status_code == 200
    outlets, mappings = [i.formset for i in response.context["inline_admin_formsets"]]
    assert [f.instance for f in outlets.forms] == [outlet]
    assert [f.instance for f in mappings.forms] == [default]


def test_merchant_page_offers_only_the_merchants_own_connections(admin_client, outlet):
    own = XeroConnectionFactory.create(merchant=outlet.merchant)
    XeroConnectionFactory.create(merchant=MerchantFactory.create())

    response = admin_client.get(reverse("admin:outlets_merchant_change", args=[outlet.merchant.pk]))

    outlets = response.context["inline_admin_formsets"][0].formset
    assert list(outlets.forms[0].fields["xero_connection"].queryset) == [own]


def test_outlet_added_on_merchant_page_gets_export_settings(admin_client, merchant):
    url = reverse("admin:outlets_merchant_change", args=[merchant.pk])
    data = add_inline_row(
        form_data(admin_client.get(url)),
        "outlets",
        pos_station_id="S7",
        name="Bondi",
        timezone="Australia/Sydney",
        is_active="on",
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302
    outlet = Outlet.objects.get(merchant=merchant, pos_station_id="S7")
    assert ExportSettings.objects.filter(outlet=outlet).exists()


def test_merchant_mapping_added_on_merchant_page_is_a_default(admin_client, merchant):
    url = reverse("admin:outlets_merchant_change", args=[merchant.pk])
    data = add_inline_row(
        form_data(admin_client.get(url)),
        "mappings",
        type="revenue",
        pos_value="coffee",
        xero_value="200",
    )

    assert admin_client.post(url, data).status_code == 302

    mapping = Mapping.objects.get()
    assert (mapping.merchant, mapping.outlet) == (merchant, None)


def test_merchant_page_rejects_a_default_mapped_twice(admin_client, merchant):
    MappingFactory.create(merchant=merchant, pos_value="coffee", xero_value="200")
    url = reverse("admin:outlets_merchant_change", args=[merchant.pk])
    data = add_inline_row(
        form_data(admin_client.get(url)),
        "mappings",
        type="revenue",
        pos_value="coffee",
        xero_value="210",
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert escape("revenue 'coffee' is mapped twice here; keep one row.") in response.text
    assert Mapping.objects.get().xero_value == "200"


def test_merchant_id_cannot_be_changed_once_created(admin_client, merchant):
    url = reverse("admin:outlets_merchant_change", args=[merchant.pk])
    data = {**form_data(admin_client.get(url)), "merchant_id": "M-RENAMED"}

    admin_client.post(url, data)

    merchant.refresh_from_db()
    assert merchant.merchant_id == "M-ALLOWED"


# Outlets


def test_outlet_changelist_and_change_page_answer(admin_client, outlet):
    changelist = admin_client.get(reverse("admin:outlets_outlet_changelist"))
    change = admin_client.get(reverse("admin:outlets_outlet_change", args=[outlet.pk]))

    assert changelist.status_code == 200
    assert b"Daily, for the previous business day" in changelist.content
    assert change.status_code == 200


def test_outlet_changelist_does_not_query_per_row(admin_client, outlet):
    url = reverse("admin:outlets_outlet_changelist")
    one_outlet = queries_to_render(admin_client, url)

    for _ in range(3):
        OutletFactory.create()
    Outlet.objects.create(merchant=outlet.merchant, pos_station_id="S-NO-SETTINGS", name="X")

    assert queries_to_render(admin_client, url) == one_outlet


def test_outlet_changelist_filters_by_export_frequency(admin_client, outlet, other_outlet):
    ExportSettings.objects.filter(outlet=other_outlet).update(frequency="hourly")

    response = admin_client.get(
        reverse("admin:outlets_outlet_changelist"), {"export_settings__frequency": "hourly"}
    )

    assert list(response.context["cl"].result_list) == [other_outlet]


def test_outlet_form_rejects_a_bad_timezone_with_a_clear_message(admin_client, merchant):
    response = admin_client.post(
        reverse("admin:outlets_outlet_add"), outlet_add_data(merchant, timezone="Mars/Base")
    )

    message = "'Mars/Base' is not an IANA timezone, such as Australia/Sydney."
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["timezone"] == [message]
    assert escape(message) in response.text
    assert not Outlet.objects.exists()


def test_outlet_added_in_admin_gets_export_settings_even_at_defaults(admin_client, merchant):
    response = admin_client.post(reverse("admin:outlets_outlet_add"), outlet_add_data(merchant))

    assert response.status_code == 302
    outlet = Outlet.objects.get(pos_station_id="S9")
    assert outlet.export_settings.frequency == "daily"


def test_outlet_form_rejects_another_merchants_connection(admin_client, merchant, other_merchant):
    foreign = XeroConnectionFactory.create(merchant=other_merchant)

    response = admin_client.post(
        reverse("admin:outlets_outlet_add"),
        outlet_add_data(merchant, xero_connection=foreign.pk),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["xero_connection"]
    assert errors == [OTHER_MERCHANTS_CONNECTION]


def test_outlet_override_saved_through_inline_gets_the_outlets_merchant(admin_client, outlet):
    url = reverse("admin:outlets_outlet_change", args=[outlet.pk])
    data = add_inline_row(
        form_data(admin_client.get(url)),
        "mappings",
        type="payments",
        pos_value="card",
        xero_value="090",
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302
    override = Mapping.objects.get()
    assert (override.merchant, override.outlet) == (outlet.merchant, outlet)


def test_outlet_page_rejects_an_override_mapped_twice(admin_client, outlet):
    url = reverse("admin:outlets_outlet_change", args=[outlet.pk])
    data = form_data(admin_client.get(url))
    for xero_value in ("090", "091"):
        add_inline_row(data, "mappings", type="payments", pos_value="card", xero_value=xero_value)

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert escape("payments 'card' is mapped twice here; keep one row.") in response.text
    assert not Mapping.objects.exists()


# How a merchant's exports are going


def export(outlet, connection, number, status="failed", payments_status="pending", **fields):
    return ExportDocument.objects.create(
        outlet=outlet,
        connection=connection,
        kind="invoice",
        grouping="per_sale",
        number=number,
        business_date=datetime.date(2026, 11, 23),
        currency="AUD",
        status=status,
        payments_status=payments_status,
        **fields,
    )


def test_merchant_changelist_counts_failed_exports_and_links_to_them(admin_client, outlet):
    connection = XeroConnectionFactory.create(merchant=outlet.merchant)
    export(outlet, connection, "A-1")
    export(outlet, connection, "A-2", status="sent", payments_status="failed")
    export(outlet, connection, "A-3", status="sent", payments_status="sent")

    response = admin_client.get(reverse("admin:outlets_merchant_changelist"))

    assert response.context["cl"].result_list.get(pk=outlet.merchant.pk).failed_count == 2
    link = escape(f"?status=failed&outlet__merchant__id__exact={outlet.merchant.pk}")
    assert f'{link}">2</a>' in response.text


def test_merchant_changelist_failed_exports_do_not_query_per_row(admin_client, outlet):
    url = reverse("admin:outlets_merchant_changelist")
    export(outlet, XeroConnectionFactory.create(merchant=outlet.merchant), "A-1")
    one_merchant = queries_to_render(admin_client, url)

    for n in range(3):
        other = OutletFactory.create()
        export(other, XeroConnectionFactory.create(merchant=other.merchant), f"B-{n}")

    assert queries_to_render(admin_client, url) == one_merchant


def test_merchant_page_shows_each_outlets_last_export_and_failures(admin_client, outlet):
    connection = XeroConnectionFactory.create(merchant=outlet.merchant)
    sent_at = timezone.now() - datetime.timedelta(hours=3)
    export(outlet, connection, "A-1", status="sent", payments_status="sent", sent_at=sent_at)
    failed = export(outlet, connection, "A-2")
    quiet = OutletFactory.create(merchant=outlet.merchant, name="Quiet")

    response = admin_client.get(reverse("admin:outlets_merchant_change", args=[outlet.merchant.pk]))

    outlets = response.context["inline_admin_formsets"][0].formset.forms
    rows = {form.instance.pk: form.instance for form in outlets}
    busy, idle = rows[outlet.pk], rows[quiet.pk]
    assert (busy.last_sent, busy.last_failure, busy.failed_count) == (sent_at, failed.updated_at, 1)
    assert (idle.last_sent, idle.failed_count) == (None, 0)
    assert escape(f"?status=failed&outlet__id__exact={outlet.pk}") in response.text
