"""The mapping list page: every mapping across merchants, with its scope."""

from django.urls import reverse

from mappings.models import Mapping
from tests.factories import MappingFactory


def mapping_data(merchant, outlet=None, **overrides) -> dict:
    data = {
        "merchant": merchant.pk,
        "outlet": outlet.pk if outlet else "",
        "type": "revenue",
        "pos_value": "coffee",
        "xero_value": "200",
    }
    return {**data, **overrides}


def test_mapping_changelist_shows_defaults_and_overrides(admin_client, outlet):
    MappingFactory.create(merchant=outlet.merchant, pos_value="*", xero_value="260")
    MappingFactory.create(
        merchant=outlet.merchant, outlet=outlet, pos_value="tea", xero_value="210"
    )

    response = admin_client.get(reverse("admin:mappings_mapping_changelist"))

    assert response.status_code == 200
    assert b"merchant default" in response.content
    assert str(outlet).encode() in response.content


def test_mapping_change_page_answers(admin_client, merchant):
    mapping = MappingFactory.create(merchant=merchant)

    response = admin_client.get(reverse("admin:mappings_mapping_change", args=[mapping.pk]))

    assert response.status_code == 200


def test_mapping_changelist_filters_by_level(admin_client, outlet):
    MappingFactory.create(merchant=outlet.merchant, pos_value="*")
    override = MappingFactory.create(merchant=outlet.merchant, outlet=outlet, pos_value="tea")

    response = admin_client.get(reverse("admin:mappings_mapping_changelist"), {"level": "outlet"})

    assert list(response.context["cl"].result_list) == [override]


def test_mapping_form_rejects_an_outlet_of_another_merchant(admin_client, merchant, other_outlet):
    response = admin_client.post(
        reverse("admin:mappings_mapping_add"), mapping_data(merchant, other_outlet)
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["outlet"]
    assert errors == ["This outlet belongs to Other Bakery (M-OTHER), not to the chosen merchant."]
    assert not Mapping.objects.exists()


def test_mapping_form_saves_an_override_of_the_merchants_own_outlet(admin_client, outlet):
    response = admin_client.post(
        reverse("admin:mappings_mapping_add"), mapping_data(outlet.merchant, outlet)
    )

    assert response.status_code == 302
    assert Mapping.objects.get().outlet == outlet


def test_mapping_form_rejects_a_duplicate_default(admin_client, merchant):
    MappingFactory.create(merchant=merchant, pos_value="coffee")

    response = admin_client.post(reverse("admin:mappings_mapping_add"), mapping_data(merchant))

    assert response.status_code == 200
    assert Mapping.objects.count() == 1
