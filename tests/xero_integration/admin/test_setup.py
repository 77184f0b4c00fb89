"""The guided setup page and the one-screen mapping editor, against the sandbox Xero's chart."""

import re

import pytest
from django.urls import reverse

from outlets.services import update_export_settings
from tests.sandbox_helpers import connect, sandbox_documents
from tests.xero_integration.exports.test_engine import a_sale, ingest
from xero_integration.connection.reference_data import refresh_reference_data
from xero_integration.exports.engine import export_connection
from xero_integration.models import Sale


@pytest.fixture
def fetched(sandbox, client, outlet):
    """Connected and Xero's chart fetched; nothing mapped yet."""
    update_export_settings(outlet=outlet, frequency="realtime", grouping="per_sale")
    connection = connect(client, outlet.merchant)
    refresh_reference_data(connection=connection)
    return connection


def setup_page(admin_client, merchant) -> str:
    response = admin_client.get(reverse("admin:outlets_merchant_setup", args=[merchant.pk]))
    assert response.status_code == 200
    return response.content.decode()


def found(pattern: str, text: str, flags: int = 0) -> re.Match[str]:
    match = re.search(pattern, text, flags)
    assert match, pattern
    return match


def step_state(page: str, key: str) -> str:
    return found(rf'id="step-{key}" data-state="(\w+)"', page).group(1)


def editor(admin_client, merchant):
    return admin_client.get(reverse("admin:outlets_merchant_mappings", args=[merchant.pk]))


def choices(response, field: str) -> dict[str, str]:
    """The options of one dropdown, value → label, and which is selected."""
    select = found(
        rf'<select name="{re.escape(field)}".*?</select>', response.content.decode(), re.S
    )
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(0)))


def selected(response, field: str) -> str:
    select = found(
        rf'<select name="{re.escape(field)}".*?</select>', response.content.decode(), re.S
    )
    chosen = re.search(r'<option value="([^"]*)" selected>', select.group(0))
    return chosen.group(1) if chosen else ""


def accept_suggestions(admin_client, merchant, response, **overrides):
    page = response.content.decode()
    fields = re.findall(r'<select name="([^"]+)"', page)
    data = {name: selected(response, name) for name in fields} | overrides
    return admin_client.post(reverse("admin:outlets_merchant_mappings", args=[merchant.pk]), data)


def test_a_new_merchant_lands_on_its_setup_page(admin_client, db):
    response = admin_client.post(
        reverse("admin:outlets_merchant_add"),
        {
            "merchant_id": "M-NEW",
            "name": "New Cafe",
            "currency": "AUD",
            "amounts_include_tax": "on",
            "outlets-TOTAL_FORMS": "0",
            "outlets-INITIAL_FORMS": "0",
            "mappings-TOTAL_FORMS": "0",
            "mappings-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    assert response["Location"].endswith("/setup/")
    page = admin_client.get(response["Location"]).content.decode()
    assert step_state(page, "connect") == "todo"
    assert "Connect to Xero" in page


def test_the_merchant_list_and_page_link_to_setup(admin_client, outlet):
    url = reverse("admin:outlets_merchant_setup", args=[outlet.merchant.pk])

    listing = admin_client.get(reverse("admin:outlets_merchant_changelist")).content.decode()
    change = admin_client.get(
        reverse("admin:outlets_merchant_change", args=[outlet.merchant.pk])
    ).content.decode()

    assert url in listing and url in change


def test_each_type_offers_only_the_xero_values_valid_for_it(admin_client, fetched, outlet):
    ingest(outlet.merchant, a_sale("A1", method="eftpos"))

    response = editor(admin_client, outlet.merchant)

    assert set(choices(response, "payments::eftpos")) == {"", "090", "091", "615"}
    assert set(choices(response, "revenue::coffee")) == {"", "200", "260", "270"}
    assert choices(response, "tax::GST10")["OUTPUT"] == "GST on Income (10%) · OUTPUT"
    assert "OUTPUT2" not in choices(response, "tax::GST10")  # deleted in Xero
    assert set(choices(response, "tracking::Region")) == {"", "Sydney", "Melbourne", "Brisbane"}
    assert choices(response, "revenue::coffee")["200"] == "200 · Sales"


def test_suggestions_come_from_the_chart_of_accounts(admin_client, fetched, outlet):
    ingest(outlet.merchant, a_sale("A1", method="eftpos"), a_sale("A2", method="cash"))

    response = editor(admin_client, outlet.merchant)

    assert selected(response, "payments::eftpos") == "615"  # Card Clearing
    assert selected(response, "payments::cash") == "090"  # a bank account
    assert selected(response, "tax::GST10") == "OUTPUT"  # 10% on income
    assert selected(response, "tax::NONE") == "BASEXCLUDED"
    assert selected(response, "revenue::*") == "200"
    assert selected(response, "special::rounding") == "860"
    assert selected(response, "special::tips") == "260"
    assert selected(response, "special::surcharge") == "260"
    assert selected(response, "special::contact") == "POS Sales"
    assert selected(response, "tracking::Region") == ""  # a person chooses


def test_a_refused_choice_saves_nothing_and_names_the_reason(admin_client, fetched, outlet):
    ingest(outlet.merchant, a_sale("A1", method="card"))
    # Not offered in the dropdown; a crafted POST meets the API's rules all the same.
    response = accept_suggestions(
        admin_client,
        outlet.merchant,
        editor(admin_client, outlet.merchant),
        **{"payments::card": "200"},
    )

    assert response.status_code == 200
    assert "cannot receive payments" in response.content.decode()
    assert not outlet.merchant.mappings.exists()


def test_every_unmapped_value_is_listed_at_once_and_its_sales_go_out_once_mapped(
    admin_client, fetched, sandbox, outlet
):
    surcharged = a_sale("A1", method="eftpos", surcharge="0.50")
    surcharged["payments"][0]["amount"] = "9.50"
    surcharged["lines"][0]["category"] = "pastry"
    ingest(outlet.merchant, surcharged, a_sale("A2", method="eftpos"))
    accept_suggestions(
        admin_client,
        outlet.merchant,
        editor(admin_client, outlet.merchant),
        **{
            "payments::eftpos": "",
            "special::surcharge": "",
            "revenue::pastry": "",
            "revenue::*": "",
        },
    )
    export_connection(connection_id=fetched.pk)

    page = setup_page(admin_client, outlet.merchant)
    waiting = re.findall(r'<div class="unmapped-key"[^>]*>(.*?)</div>', page, re.S)
    assert [re.sub(r"<[^>]+>", "", w).split(":")[0] for w in waiting] == [
        "payments eftpos",
        "revenue pastry",
        "special surcharge",
    ]
    assert "xero-bridge's reason (Xero was not asked)" in page
    assert step_state(page, "mappings") == "problem"
    assert "No Xero account is mapped for payment method &#x27;eftpos&#x27;. 2 sales wait" in page
    assert Sale.objects.filter(document__isnull=False).count() == 0  # both wait, none failed

    accept_suggestions(admin_client, outlet.merchant, editor(admin_client, outlet.merchant))
    export_connection(connection_id=fetched.pk)  # no replay

    numbers = sorted(
        i["InvoiceNumber"] for i in sandbox_documents(sandbox, fetched.tenant_id)["Invoices"]
    )
    assert numbers == ["POSS1-A1", "POSS1-A2"]
    page = setup_page(admin_client, outlet.merchant)
    assert step_state(page, "mappings") == "done"
    assert step_state(page, "export") == "done"


def test_the_page_reloads_itself_only_while_waiting_for_the_worker(admin_client, fetched, outlet):
    reloads = '<meta http-equiv="refresh"'
    ingest(outlet.merchant, a_sale("A1"))
    accept_suggestions(admin_client, outlet.merchant, editor(admin_client, outlet.merchant))
    idle = setup_page(admin_client, outlet.merchant)

    admin_client.post(reverse("admin:outlets_merchant_setup_export", args=[outlet.merchant.pk]))
    waiting = setup_page(admin_client, outlet.merchant)

    assert reloads not in idle  # nothing queued: the person reads in peace
    assert reloads in waiting  # Export now pressed: until the first export is in Xero
