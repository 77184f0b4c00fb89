import xml.etree.ElementTree as ET

from .conftest import invoice

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


def without_accept(api, method, path, body=None, **params):
    return api.call(method, path, body, params=params, headers={"Accept": "*/*"})


def test_an_answer_without_accept_json_is_xml(api):
    reply = without_accept(api, "GET", "Accounts")
    assert reply.headers["Content-Type"].startswith("text/xml")
    accounts = ET.fromstring(reply.content).findall("Accounts/Account")
    assert "090" in [a.findtext("Code") for a in accounts]
    assert accounts[0].findtext("UpdatedDateUTC", "").startswith("20")  # ISO, not /Date()/


def test_a_stored_invoice_is_answered_in_xml_with_iso_dates(api):
    reply = without_accept(
        api, "PUT", "Invoices", {"Invoices": [invoice()]}, summarizeErrors="false"
    )
    stored = ET.fromstring(reply.content).find("Invoices/Invoice")
    assert stored is not None and stored.findtext("InvoiceNumber") == "POS-1"
    assert stored.findtext("Date") == "2026-11-23T00:00:00"
    assert stored.findtext("LineItems/LineItem/TaxType") == "OUTPUT"


def test_a_validation_error_in_xml_is_an_api_exception_naming_the_element_type(api):
    bad = invoice(LineItems=[])
    reply = without_accept(api, "PUT", "Invoices", {"Invoices": [bad]})
    root = ET.fromstring(reply.content)
    assert reply.status_code == 400 and root.tag == "ApiException"
    element = root.find("Elements/DataContractBase")
    assert element is not None and element.get(XSI_TYPE) == "Invoice"
    assert element.findtext("ValidationErrors/ValidationError/Message")


def test_accept_json_gets_json(api):
    assert api.get("Accounts").headers["Content-Type"].startswith("application/json")
