"""The create_merchant, create_outlet and create_api_key commands, as automation calls them."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from outlets.models import ApiClient, ExportSettings, Merchant, Outlet
from outlets.services import authenticate_api_key


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def output_lines(*args) -> list[str]:
    return run(*args).rstrip("\n").split("\n")


# create_merchant


@pytest.mark.django_db
def test_create_merchant_creates_it():
    out = run(
        "create_merchant",
        "M1",
        "--name",
        "Bondi Cafe",
        "--currency",
        "nzd",
        "--amounts-exclude-tax",
    )

    assert out == "Created merchant M1 (Bondi Cafe).\n"
    merchant = Merchant.objects.get(merchant_id="M1")
    assert (merchant.name, merchant.currency, merchant.amounts_include_tax) == (
        "Bondi Cafe",
        "NZD",
        False,
    )


@pytest.mark.django_db
def test_create_merchant_defaults_to_aud_with_tax_included():
    run("create_merchant", "M1", "--name", "Bondi Cafe")

    merchant = Merchant.objects.get(merchant_id="M1")
    assert (merchant.currency, merchant.amounts_include_tax) == ("AUD", True)


@pytest.mark.django_db
def test_create_merchant_rerun_updates_the_same_merchant():
    run("create_merchant", "M1", "--name", "Bondi Cafe")

    out = run("create_merchant", "M1", "--name", "Bondi Beach Cafe", "--amounts-exclude-tax")

    assert out == "Updated merchant M1 (Bondi Beach Cafe).\n"
    assert Merchant.objects.count() == 1
    merchant = Merchant.objects.get()
    assert (merchant.name, merchant.amounts_include_tax) == ("Bondi Beach Cafe", False)


@pytest.mark.django_db
def test_create_merchant_rejects_a_blank_name():
    with pytest.raises(CommandError, match=r"^name: This field cannot be blank\.$"):
        run("create_merchant", "M1", "--name", "  ")

    assert not Merchant.objects.exists()


@pytest.mark.django_db
def test_create_merchant_rejects_a_bad_currency():
    with pytest.raises(CommandError, match=r"^currency: .*three-letter ISO 4217"):
        run("create_merchant", "M1", "--name", "Bondi Cafe", "--currency", "A1D")


@pytest.mark.django_db
def test_create_merchant_tax_flags_are_mutually_exclusive():
    with pytest.raises(CommandError, match="not allowed with argument"):
        run(
            "create_merchant",
            "M1",
            "--name",
            "Cafe",
            "--amounts-include-tax",
            "--amounts-exclude-tax",
        )


# create_outlet


def test_create_outlet_creates_it_with_export_settings(merchant):
    out = run(
        "create_outlet",
        merchant.merchant_id,
        "S9",
        "--name",
        "Manly",
        "--timezone",
        "Australia/Perth",
    )

    assert out == ("Created outlet S9 (Manly) of merchant M-ALLOWED, timezone Australia/Perth.\n")
    outlet = Outlet.objects.get(merchant=merchant, pos_station_id="S9")
    assert (outlet.name, outlet.timezone) == ("Manly", "Australia/Perth")
    assert ExportSettings.objects.filter(outlet=outlet).exists()


def test_create_outlet_rerun_updates_the_same_outlet(merchant):
    run(
        "create_outlet",
        merchant.merchant_id,
        "S9",
        "--name",
        "Manly",
        "--timezone",
        "Australia/Sydney",
    )

    out = run(
        "create_outlet",
        merchant.merchant_id,
        "S9",
        "--name",
        "Manly Wharf",
        "--timezone",
        "Australia/Brisbane",
    )

    assert out.startswith("Updated outlet S9 (Manly Wharf)")
    outlet = Outlet.objects.get(merchant=merchant)
    assert (outlet.name, outlet.timezone) == ("Manly Wharf", "Australia/Brisbane")
    assert ExportSettings.objects.filter(outlet=outlet).count() == 1


@pytest.mark.django_db
def test_create_outlet_rejects_an_unknown_merchant():
    with pytest.raises(CommandError, match=r"^Unknown merchant 'NOPE'\.$"):
        run("create_outlet", "NOPE", "S1", "--name", "Manly", "--timezone", "Australia/Sydney")

    assert not Outlet.objects.exists()


def test_create_outlet_rejects_a_bad_timezone(merchant):
    expected = r"^timezone: 'Mars/Base' is not an IANA timezone, such as Australia/Sydney\.$"
    with pytest.raises(CommandError, match=expected):
        run(
            "create_outlet",
            merchant.merchant_id,
            "S9",
            "--name",
            "Manly",
            "--timezone",
            "Mars/Base",
        )

    assert not Outlet.objects.filter(pos_station_id="S9").exists()


def test_create_outlet_rejects_a_blank_name(merchant):
    with pytest.raises(CommandError, match=r"^name: This field cannot be blank\.$"):
        run(
            "create_outlet",
            merchant.merchant_id,
            "S9",
            "--name",
            "",
            "--timezone",
            "Australia/Sydney",
        )


# create_api_key


def test_create_api_key_prints_the_key_alone_on_the_last_line(merchant, other_merchant):
    lines = output_lines(
        "create_api_key", "POS platform", "--merchant", "M-ALLOWED", "--merchant", "M-OTHER"
    )

    assert lines[0] == (
        "Created API key 'POS platform' for merchants M-ALLOWED, M-OTHER. "
        "Store it now: it is not shown again."
    )
    key = lines[-1]
    assert key.startswith("xb_") and " " not in key and len(key) > 40


def test_create_api_key_output_key_authenticates_for_its_merchants(merchant, other_merchant):
    key = output_lines("create_api_key", "POS platform", "--merchant", "M-ALLOWED")[-1]

    client = authenticate_api_key(key)

    assert client == ApiClient.objects.get(name="POS platform")
    assert list(client.merchants.all()) == [merchant]
    assert client.all_merchants is False


@pytest.mark.django_db
def test_create_api_key_for_all_merchants():
    lines = output_lines("create_api_key", "Head office", "--all-merchants")

    assert lines[0].startswith("Created API key 'Head office' for all merchants.")
    client = authenticate_api_key(lines[-1])
    assert client is not None and client.all_merchants is True


def test_create_api_key_does_not_store_the_key(merchant):
    key = output_lines("create_api_key", "POS platform", "--merchant", "M-ALLOWED")[-1]

    client = ApiClient.objects.get()
    stored = [str(getattr(client, f.attname)) for f in ApiClient._meta.concrete_fields]
    assert not any(key in value for value in stored)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM outlets_apiclient")
        dump = repr(cursor.fetchall())
    assert key not in dump
    assert key[3:] not in dump


@pytest.mark.django_db
def test_create_api_key_rejects_an_unknown_merchant():
    with pytest.raises(CommandError, match=r"^Unknown merchant 'NOPE'\.$"):
        run("create_api_key", "POS platform", "--merchant", "NOPE")

    assert not ApiClient.objects.exists()


@pytest.mark.django_db
def test_create_api_key_rejects_a_blank_name():
    with pytest.raises(CommandError, match=r"^name: This field cannot be blank\.$"):
        run("create_api_key", " ", "--all-merchants")


def test_create_api_key_rejects_merchant_with_all_merchants(merchant):
    with pytest.raises(CommandError, match="not allowed with argument"):
        run("create_api_key", "POS platform", "--merchant", "M-ALLOWED", "--all-merchants")

    assert not ApiClient.objects.exists()


@pytest.mark.django_db
def test_create_api_key_requires_merchant_or_all_merchants():
    with pytest.raises(CommandError, match="one of the arguments --merchant --all-merchants"):
        run("create_api_key", "POS platform")
