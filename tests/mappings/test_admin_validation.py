"""Mappings saved in the admin meet the same Xero rules as the API, and offer Xero's values."""

from django.urls import reverse
from django.utils.html import escape

from mappings.models import Mapping, SpecialKind
from mappings.rules import (
    INACTIVE_ACCOUNT,
    INACTIVE_TRACKING_OPTION,
    NOT_A_PAYMENT_ACCOUNT,
    TOO_MANY_TRACKING,
    UNKNOWN_ACCOUNT,
    UNKNOWN_KIND,
)
from tests.admin_forms import add_inline_row, form_data, outlet_add_data
from tests.factories import (
    MappingFactory,
    OutletFactory,
    XeroConnectionFactory,
    seed_reference_data,
)
from tests.mappings.test_admin import mapping_data

ARCHIVED = INACTIVE_ACCOUNT.format(code="250", name="Old Sales", status="ARCHIVED")
NOT_FOR_PAYMENTS = NOT_A_PAYMENT_ACCOUNT.format(code="200", name="Sales")


def post_mapping(admin_client, merchant, outlet=None, **fields):
    return admin_client.post(
        reverse("admin:mappings_mapping_add"), mapping_data(merchant, outlet, **fields)
    )


def form_errors(response, field="xero_value"):
    return response.context["adminform"].form.errors.get(field)


def test_archived_account_is_rejected(admin_client, connection):
    response = post_mapping(admin_client, connection.merchant, xero_value="250")

    assert response.status_code == 200
    assert form_errors(response) == [ARCHIVED]
    assert not Mapping.objects.exists()


def test_admin_gives_the_same_reason_as_the_api(admin_client, api, connection):
    api_response = api.put(
        "/api/xero/mappings/revenue",
        {"merchant_id": "M-ALLOWED", "mappings": [{"category": "coffee", "account_code": "250"}]},
        format="json",
    )
    admin_response = post_mapping(admin_client, connection.merchant, xero_value="250")

    assert form_errors(admin_response) == [api_response.json()["fields"]["mappings"][0]["reason"]]


def test_payment_mapping_to_a_non_payment_account_is_rejected(admin_client, connection):
    response = post_mapping(
        admin_client, connection.merchant, type="payments", pos_value="card", xero_value="200"
    )

    assert form_errors(response) == [NOT_FOR_PAYMENTS]
    assert not Mapping.objects.exists()


def test_unknown_account_is_rejected(admin_client, connection):
    response = post_mapping(admin_client, connection.merchant, xero_value="999")

    assert form_errors(response) == [UNKNOWN_ACCOUNT.format(code="999")]


def test_valid_mapping_saves(admin_client, connection):
    response = post_mapping(
        admin_client, connection.merchant, type="payments", pos_value="card", xero_value="615"
    )

    assert response.status_code == 302
    assert Mapping.objects.get().xero_value == "615"


def test_archived_tracking_option_is_rejected(admin_client, connection):
    response = post_mapping(
        admin_client, connection.merchant, type="tracking", pos_value="Region", xero_value="Perth"
    )

    expected = INACTIVE_TRACKING_OPTION.format(option="Perth", category="Region", status="ARCHIVED")
    assert form_errors(response) == [expected]


def test_a_third_tracking_category_is_rejected(admin_client, connection):
    merchant = connection.merchant
    MappingFactory.create(
        merchant=merchant, type="tracking", pos_value="Region", xero_value="Sydney"
    )
    MappingFactory.create(
        merchant=merchant, type="tracking", pos_value="Channel", xero_value="Sydney"
    )

    response = post_mapping(
        admin_client, merchant, type="tracking", pos_value="Legacy", xero_value="Sydney"
    )

    assert form_errors(response, "pos_value") == [TOO_MANY_TRACKING]


def test_unknown_special_kind_is_rejected(admin_client, connection):
    response = post_mapping(
        admin_client, connection.merchant, type="special", pos_value="tip", xero_value="200"
    )

    kinds = ", ".join(SpecialKind.values)
    assert form_errors(response, "pos_value") == [UNKNOWN_KIND.format(kind="tip", kinds=kinds)]


def test_override_is_checked_against_the_outlets_own_organisation(admin_client, connection, outlet):
    franchise = XeroConnectionFactory.create(merchant=outlet.merchant, is_merchant_default=False)
    seed_reference_data(franchise)
    franchise.reference_records.filter(kind="accounts", code="210").update(status="ARCHIVED")
    outlet.xero_connection = franchise
    outlet.save()

    default = post_mapping(admin_client, outlet.merchant, xero_value="210")
    override = post_mapping(admin_client, outlet.merchant, outlet, xero_value="210")

    assert default.status_code == 302
    assert form_errors(override) == [
        INACTIVE_ACCOUNT.format(code="210", name="Cafe Sales", status="ARCHIVED")
    ]


def test_mapping_is_accepted_unchecked_before_xero_is_connected(admin_client, merchant):
    # Staff may prepare mappings first; the status page flags any Xero then refuses.
    response = post_mapping(admin_client, merchant, xero_value="250")

    assert response.status_code == 302
    assert Mapping.objects.get().xero_value == "250"


def test_mapping_is_accepted_unchecked_before_reference_data_is_fetched(admin_client, merchant):
    XeroConnectionFactory.create(merchant=merchant)

    assert post_mapping(admin_client, merchant, xero_value="250").status_code == 302


# Choices from Xero


def test_datalist_offers_the_cached_accounts_a_revenue_row_may_use(admin_client, connection):
    mapping = MappingFactory.create(
        merchant=connection.merchant, pos_value="coffee", xero_value="200"
    )

    page = admin_client.get(reverse("admin:mappings_mapping_change", args=[mapping.pk])).text

    assert 'list="id_xero_value_options"' in page
    assert '<datalist id="id_xero_value_options">' in page
    for code, name in [("200", "Sales"), ("210", "Cafe Sales"), ("404", "Bank Fees")]:
        assert f'<option value="{code}">{code} — {name}</option>' in page
    for unusable in ("250", "090", "610"):  # archived, bank, system account
        assert f'<option value="{unusable}">' not in page


def test_datalist_of_a_payment_row_offers_payment_accounts(admin_client, connection):
    mapping = MappingFactory.create(
        merchant=connection.merchant, type="payments", pos_value="card", xero_value="090"
    )

    page = admin_client.get(reverse("admin:mappings_mapping_change", args=[mapping.pk])).text

    assert '<option value="090">' in page and '<option value="615">' in page
    assert '<option value="200">' not in page


def test_add_page_for_a_merchant_offers_everything_in_its_xero(admin_client, connection):
    url = reverse("admin:mappings_mapping_add") + f"?merchant={connection.merchant.pk}"

    page = admin_client.get(url).text

    for option in ('value="200"', 'value="OUTPUT"', escape("Sydney (Region)"), 'value="POS Sales"'):
        assert option in page
    assert "Gone Customer" not in page  # archived contact


def test_merchant_page_rows_and_the_add_row_template_offer_xero_values(admin_client, connection):
    MappingFactory.create(
        merchant=connection.merchant, type="tax", pos_value="GST10", xero_value="OUTPUT"
    )

    page = admin_client.get(
        reverse("admin:outlets_merchant_change", args=[connection.merchant.pk])
    ).text

    assert '<datalist id="id_mappings-0-xero_value_options">' in page
    # The "Add another" row keeps a list id the admin's JavaScript does not renumber.
    assert 'list="id_mappings-new-xero_value_options"' in page
    assert '<option value="OUTPUT">OUTPUT — GST on Income</option>' in page


# Inlines


def test_merchant_page_rejects_an_archived_account(admin_client, connection):
    url = reverse("admin:outlets_merchant_change", args=[connection.merchant.pk])
    data = add_inline_row(
        form_data(admin_client.get(url)),
        "mappings",
        type="revenue",
        pos_value="coffee",
        xero_value="250",
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert escape(ARCHIVED) in response.text
    assert not Mapping.objects.exists()


def test_outlet_override_is_validated_and_saved_through_the_inline(admin_client, connection):
    outlet = OutletFactory.create(merchant=connection.merchant)
    url = reverse("admin:outlets_outlet_change", args=[outlet.pk])
    rejected = add_inline_row(
        form_data(admin_client.get(url)),
        "mappings",
        type="payments",
        pos_value="card",
        xero_value="200",
    )
    accepted = add_inline_row(
        form_data(admin_client.get(url)),
        "mappings",
        type="payments",
        pos_value="card",
        xero_value="615",
    )

    rejected_response = admin_client.post(url, rejected)
    assert rejected_response.status_code == 200
    assert escape(NOT_FOR_PAYMENTS) in rejected_response.text
    assert not Mapping.objects.exists()

    assert admin_client.post(url, accepted).status_code == 302
    override = Mapping.objects.get()
    assert (override.merchant, override.outlet, override.xero_value) == (
        outlet.merchant,
        outlet,
        "615",
    )


def test_add_pages_with_mapping_rows_answer(admin_client, connection):
    for name in (
        "admin:outlets_merchant_add",
        "admin:outlets_outlet_add",
        "admin:mappings_mapping_add",
    ):
        assert admin_client.get(reverse(name)).status_code == 200, name


def test_outlet_added_with_an_override_is_checked_against_its_merchants_xero(
    admin_client, connection
):
    data = outlet_add_data(
        connection.merchant,
        **{
            "mappings-TOTAL_FORMS": 1,
            "mappings-0-type": "revenue",
            "mappings-0-pos_value": "coffee",
            "mappings-0-xero_value": "250",
        },
    )

    response = admin_client.post(reverse("admin:outlets_outlet_add"), data)

    assert response.status_code == 200
    assert escape(ARCHIVED) in response.text
    assert not Mapping.objects.exists()


def test_a_payment_method_may_be_mapped_on_account_in_the_admin(admin_client, connection):
    response = post_mapping(
        admin_client,
        connection.merchant,
        type="payments",
        pos_value="account",
        xero_value="ON_ACCOUNT",
    )

    assert response.status_code == 302
    assert Mapping.objects.get().xero_value == "ON_ACCOUNT"


def test_datalist_of_a_payment_row_offers_on_account(admin_client, connection):
    mapping = MappingFactory.create(
        merchant=connection.merchant, type="payments", pos_value="card", xero_value="090"
    )

    page = admin_client.get(reverse("admin:mappings_mapping_change", args=[mapping.pk])).text

    assert '<option value="ON_ACCOUNT">' in page
