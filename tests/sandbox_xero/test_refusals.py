"""A refused element comes back in the shape Xero gives it (spec examples; notes §4, §9)."""

from decimal import Decimal

from .conftest import credit_note, data, invoice, messages

ZERO_GUID = "00000000-0000-0000-0000-000000000000"
NOV_23 = "/Date(1795392000000+0000)/"


def bad_account(body):
    return {**body, "LineItems": [{**body["LineItems"][0], "AccountCode": "999"}]}


def put_refused(api, path, body):
    reply = api.put(path, {path: [body]}, params={"summarizeErrors": "false"})
    assert reply.status_code == 200, reply.text
    return data(reply)[path][0]


def test_a_refused_invoice_has_the_zero_guid_dotnet_dates_and_its_totals(api):
    refused = put_refused(api, "Invoices", bad_account(invoice()))
    assert refused["InvoiceID"] == ZERO_GUID
    assert (refused["Date"], refused["DueDate"]) == (NOV_23, NOV_23)
    assert refused["DateString"] == "2026-11-23T00:00:00"
    assert (refused["SubTotal"], refused["TotalTax"], refused["Total"]) == (
        Decimal("104.55"),
        Decimal("10.45"),
        Decimal("115.00"),
    )
    assert refused["LineItems"][0]["LineAmount"] == Decimal("115.00")
    assert (refused["HasErrors"], refused["StatusAttributeString"]) == (True, "ERROR")
    assert messages(refused) == ["Account code '999' is not a valid code for this document."]


def test_a_refused_credit_note_has_the_zero_guid(api):
    refused = put_refused(api, "CreditNotes", bad_account(credit_note()))
    assert refused["CreditNoteID"] == ZERO_GUID and refused["Total"] == Decimal("23.00")
    assert refused["Date"] == NOV_23 and refused["HasErrors"] is True


def test_a_refused_payment_has_the_zero_guid_and_a_dotnet_date(api):
    payment = {
        "Invoice": {"InvoiceNumber": "NOPE"},
        "Account": {"Code": "090"},
        "Date": "2026-11-23",
        "Amount": Decimal("1.00"),
    }
    refused = put_refused(api, "Payments", payment)
    assert (refused["PaymentID"], refused["Date"]) == (ZERO_GUID, NOV_23)
    assert (refused["HasValidationErrors"], refused["StatusAttributeString"]) == (True, "ERROR")
    assert refused["Amount"] == Decimal("1.00")


def test_what_xero_could_not_read_is_left_out(api):
    line = {**invoice()["LineItems"][0], "Quantity": "one"}
    refused = put_refused(api, "Invoices", invoice(Date="23/11/2026", LineItems=[line], Extra=1))
    assert "Date" not in refused and "Extra" not in refused
    assert refused["DueDate"] == NOV_23
    assert refused["LineItems"][0]["Quantity"] == Decimal("1.0000")  # the default, as read


def test_the_summarised_400_describes_elements_the_same_way(api):
    reply = api.put("Invoices", {"Invoices": [bad_account(invoice())]})
    element = data(reply)["Elements"][0]
    assert reply.status_code == 400
    assert (element["InvoiceID"], element["Date"], element["Total"]) == (
        ZERO_GUID,
        NOV_23,
        Decimal("115.00"),
    )


def test_a_stored_invoice_and_its_payments_use_dotnet_dates(api):
    stored = put_refused(api, "Invoices", invoice())
    payment = {"Invoice": {"InvoiceID": stored["InvoiceID"]}, "Account": {"Code": "090"}}
    paid = put_refused(api, "Payments", {**payment, "Date": "2026-11-23", "Amount": Decimal("115")})
    fetched = data(api.get("Invoices/" + stored["InvoiceID"]))["Invoices"][0]
    assert (stored["Date"], paid["Date"]) == (NOV_23, NOV_23)
    assert fetched["FullyPaidOnDate"] == NOV_23 and fetched["Payments"][0]["Date"] == NOV_23
    assert fetched["UpdatedDateUTC"].startswith("/Date(")
