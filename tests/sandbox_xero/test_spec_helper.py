from decimal import Decimal

import pytest

from tests.xero_spec import assert_matches_spec, require_spec


@pytest.fixture(autouse=True)
def spec():
    require_spec()


def example_invoices():
    """The ACCREC example from xero-api-notes §5.1, with Decimal money."""
    return {
        "Invoices": [
            {
                "Type": "ACCREC",
                "Contact": {"ContactID": "00000000-0000-0000-0000-000000000000"},
                "Date": "2026-11-23",
                "DueDate": "2026-11-23",
                "LineAmountTypes": "Inclusive",
                "InvoiceNumber": "POS-OUTLET1-20261123",
                "Reference": "Daily takings outlet 1",
                "Status": "AUTHORISED",
                "LineItems": [
                    {
                        "Description": "Sales – food",
                        "Quantity": 1,
                        "UnitAmount": Decimal("115.00"),
                        "AccountCode": "200",
                        "TaxType": "OUTPUT2",
                        "TaxAmount": Decimal("15.00"),
                        "Tracking": [{"Name": "Region", "Option": "North"}],
                    }
                ],
            }
        ]
    }


def test_spec_shaped_example_invoice_is_accepted():
    assert_matches_spec("Invoices", example_invoices())


def test_single_invoice_schema_is_accepted():
    assert_matches_spec("Invoice", example_invoices()["Invoices"][0])


def test_payment_example_is_accepted():
    assert_matches_spec(
        "Payments",
        {
            "Payments": [
                {
                    "Invoice": {"InvoiceID": "00000000-0000-0000-0000-000000000000"},
                    "Account": {"Code": "090"},
                    "Date": "2026-11-23",
                    "Amount": Decimal("115.00"),
                    "Reference": "EFTPOS 23 Nov",
                }
            ]
        },
    )


def test_wrong_enum_is_rejected_with_its_path():
    body = example_invoices()
    body["Invoices"][0]["LineAmountTypes"] = "Gross"
    with pytest.raises(AssertionError, match=r"Invoices/0/LineAmountTypes: 'Gross' is not one of"):
        assert_matches_spec("Invoices", body)


def test_wrong_type_is_rejected_and_every_error_listed():
    body = example_invoices()
    body["Invoices"][0]["LineItems"][0]["UnitAmount"] = "115.00"
    body["Invoices"][0]["Status"] = "FINISHED"
    with pytest.raises(AssertionError) as raised:
        assert_matches_spec("Invoices", body)
    assert "Invoices/0/LineItems/0/UnitAmount: '115.00' is not of type 'number'" in str(
        raised.value
    )
    assert "Invoices/0/Status" in str(raised.value)


def test_bad_guid_is_rejected():
    body = example_invoices()
    body["Invoices"][0]["Contact"]["ContactID"] = "not-a-guid"
    with pytest.raises(AssertionError, match="Contact/ContactID"):
        assert_matches_spec("Invoices", body)


def test_max_length_is_enforced():
    body = example_invoices()
    body["Invoices"][0]["InvoiceNumber"] = "X" * 256
    with pytest.raises(AssertionError, match="InvoiceNumber"):
        assert_matches_spec("Invoices", body)
