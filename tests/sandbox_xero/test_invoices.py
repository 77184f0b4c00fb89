from decimal import Decimal

from .conftest import credit_note, data, invoice, messages


def put_one(api, body, **params):
    reply = api.put("Invoices", {"Invoices": [body]}, params={"summarizeErrors": "false", **params})
    assert reply.status_code == 200, reply.text
    return data(reply)["Invoices"][0]


def test_valid_invoice_is_stored_with_xero_totals(api):
    stored = put_one(api, invoice())
    assert stored["StatusAttributeString"] == "OK" and stored["HasErrors"] is False
    assert (stored["Total"], stored["TotalTax"], stored["SubTotal"]) == (
        Decimal("115.00"),
        Decimal("10.45"),
        Decimal("104.55"),
    )
    assert stored["AmountDue"] == Decimal("115.00") and stored["Status"] == "AUTHORISED"


def test_money_is_answered_as_exact_decimal_text(api):
    reply = api.put("Invoices", {"Invoices": [invoice()]}, params={"summarizeErrors": "false"})
    assert '"Total":115.00' in reply.text


def test_line_tax_rounds_per_line_like_xero(api):
    # Xero rounds tax per line, then sums (rounding guide): 0.05 at 10% is 0.005 -> 0.01 on
    # each of three lines = 0.03, where tax on the 0.15 total would be 0.02.
    lines = [
        {
            "Description": f"Line {n}",
            "Quantity": 1,
            "UnitAmount": Decimal("0.05"),
            "AccountCode": "200",
            "TaxType": "OUTPUT",
        }
        for n in range(3)
    ]
    stored = put_one(api, invoice(LineAmountTypes="Exclusive", LineItems=lines))
    assert [line["TaxAmount"] for line in stored["LineItems"]] == [Decimal("0.01")] * 3
    assert stored["TotalTax"] == Decimal("0.03") and stored["Total"] == Decimal("0.18")


def test_inclusive_tax_is_amount_times_rate_over_one_plus_rate(api):
    lines = [
        {
            "Description": "Coffee",
            "Quantity": 3,
            "UnitAmount": Decimal("4.50"),
            "AccountCode": "200",
            "TaxType": "OUTPUT",
        }
    ]
    stored = put_one(api, invoice(LineItems=lines))
    assert stored["LineItems"][0]["LineAmount"] == Decimal("13.50")
    assert stored["LineItems"][0]["TaxAmount"] == Decimal("1.23")  # 13.50 / 11 = 1.2272...


def test_given_tax_amount_overrides_the_calculation(api):
    line = {
        "Description": "Food",
        "Quantity": 1,
        "UnitAmount": Decimal("115.00"),
        "AccountCode": "200",
        "TaxType": "OUTPUT",
        "TaxAmount": Decimal("15.00"),
    }
    assert put_one(api, invoice(LineItems=[line]))["TotalTax"] == Decimal("15.00")


def test_unit_amount_is_rounded_to_2dp_unless_unitdp_4(api):
    line = {
        "Description": "Fuel",
        "Quantity": 1,
        "UnitAmount": Decimal("0.1648"),
        "AccountCode": "200",
        "TaxType": "OUTPUT",
    }
    two = put_one(api, invoice(InvoiceNumber="A", LineItems=[line]))
    four = put_one(api, invoice(InvoiceNumber="B", LineItems=[line]), unitdp="4")
    assert two["LineItems"][0]["UnitAmount"] == Decimal("0.16")
    assert four["LineItems"][0]["UnitAmount"] == Decimal("0.1648")


def test_sent_total_that_differs_is_rejected(api):
    failed = put_one(api, invoice(Total=Decimal("115.01")))
    assert messages(failed) == ["The invoice total does not equal the sum of the lines."]


def test_archived_account_is_rejected_on_invoice(api):
    line = {**invoice()["LineItems"][0], "AccountCode": "250"}
    failed = put_one(api, invoice(LineItems=[line]))
    assert failed["HasErrors"] is True and failed["StatusAttributeString"] == "ERROR"
    assert messages(failed) == ["Account code '250' is not a valid code for this document."]


def test_deleted_tax_rate_is_rejected(api):
    line = {**invoice()["LineItems"][0], "TaxType": "OUTPUT2"}
    assert "OUTPUT2" in messages(put_one(api, invoice(LineItems=[line])))[0]


def with_line(account, tax_type):
    return invoice(
        LineItems=[{**invoice()["LineItems"][0], "AccountCode": account, "TaxType": tax_type}]
    )


def test_revenue_tax_type_on_an_expense_account_is_rejected(api):
    failed = put_one(api, with_line("400", "OUTPUT"))
    assert messages(failed) == ["The TaxType code 'OUTPUT' cannot be used with account code '400'."]


def test_expense_tax_type_on_a_revenue_account_is_rejected(api):
    failed = put_one(api, with_line("200", "INPUT"))
    assert messages(failed) == ["The TaxType code 'INPUT' cannot be used with account code '200'."]


def test_gst_free_income_on_an_asset_account_is_rejected(api):
    assert put_one(api, with_line("615", "EXEMPTOUTPUT"))["HasErrors"] is True


def test_tax_types_are_accepted_on_the_classes_they_can_apply_to(api):
    lines = [
        {**invoice()["LineItems"][0], "AccountCode": account, "TaxType": tax_type}
        for account, tax_type in [
            ("200", "EXEMPTOUTPUT"),
            ("835", "EXEMPTOUTPUT"),
            ("860", "BASEXCLUDED"),
            ("880", "OUTPUT"),
        ]
    ]
    assert put_one(api, invoice(LineItems=lines))["HasErrors"] is False


def test_archived_tracking_option_is_rejected(api):
    line = {**invoice()["LineItems"][0], "Tracking": [{"Name": "Region", "Option": "Perth"}]}
    assert "Perth" in messages(put_one(api, invoice(LineItems=[line])))[0]


def test_tracking_is_resolved_to_ids(api):
    line = {
        **invoice()["LineItems"][0],
        "Tracking": [
            {"Name": "Region", "Option": "Sydney"},
            {"Name": "Channel", "Option": "Online"},
        ],
    }
    tracking = put_one(api, invoice(LineItems=[line]))["LineItems"][0]["Tracking"]
    assert [t["Option"] for t in tracking] == ["Sydney", "Online"]
    assert all(t["TrackingOptionID"] for t in tracking)


def test_empty_description_is_rejected(api):
    line = {**invoice()["LineItems"][0], "Description": ""}
    assert messages(put_one(api, invoice(LineItems=[line]))) == [
        "The description field is mandatory for each line item."
    ]


def test_wrong_enum_and_type_are_rejected_by_spec_checks(api):
    line = {**invoice()["LineItems"][0], "Quantity": "one"}
    failed = put_one(api, invoice(LineAmountTypes="Gross", LineItems=[line]))
    assert any("LineAmountTypes" in m for m in messages(failed))
    assert "LineItems[0].Quantity must be a number" in messages(failed)


def test_invoice_number_must_be_unique(api):
    put_one(api, invoice())
    assert messages(put_one(api, invoice())) == ["Invoice # must be unique."]


def test_duplicate_number_is_stored_when_unique_numbers_is_off(api):
    api.control("POST", "config", {"unique_numbers": False})
    put_one(api, invoice())
    assert put_one(api, invoice())["HasErrors"] is False
    found = data(api.get("Invoices", InvoiceNumbers="POS-1"))["Invoices"]
    assert len(found) == 2 and found[0]["InvoiceID"] != found[1]["InvoiceID"]


def test_duplicate_credit_note_number_is_stored_when_unique_numbers_is_off(api):
    api.control("POST", "config", {"unique_numbers": False})
    params = {"summarizeErrors": "false"}
    api.put("CreditNotes", {"CreditNotes": [credit_note()]}, params=params)
    second = api.put("CreditNotes", {"CreditNotes": [credit_note()]}, params=params)
    assert data(second)["CreditNotes"][0]["StatusAttributeString"] == "OK"
    assert len(data(api.get("CreditNotes"))["CreditNotes"]) == 2


def test_accpay_numbers_need_not_be_unique(api):
    bill = invoice(Type="ACCPAY", InvoiceNumber="BILL-1")
    put_one(api, bill)
    assert put_one(api, bill)["HasErrors"] is False


def test_missing_invoice_number_is_generated(api):
    body = invoice()
    del body["InvoiceNumber"]
    assert put_one(api, body)["InvoiceNumber"] == "INV-0001"


def test_contact_is_created_by_name(api):
    stored = put_one(api, invoice(Contact={"Name": "Brand New Cafe"}))
    found = data(api.get("Contacts", searchTerm="brand new"))["Contacts"]
    assert found[0]["ContactID"] == stored["Contact"]["ContactID"]


def test_unknown_contact_id_is_rejected(api):
    failed = put_one(api, invoice(Contact={"ContactID": "00000000-0000-0000-0000-000000000000"}))
    assert failed["HasErrors"] is True


def test_document_date_in_locked_period_is_rejected(api):
    api.control("POST", "config", {"period_lock_date": "2026-11-30"})
    failed = put_one(api, invoice())
    assert messages(failed) == [
        "The document date cannot be before the period lock date (2026-11-30)."
    ]


def test_summarize_errors_false_keeps_valid_invoices(api):
    bad = invoice(
        InvoiceNumber="POS-2", LineItems=[{**invoice()["LineItems"][0], "AccountCode": "999"}]
    )
    reply = api.put("Invoices", {"Invoices": [invoice(), bad]}, params={"summarizeErrors": "false"})
    statuses = [e["StatusAttributeString"] for e in data(reply)["Invoices"]]
    assert reply.status_code == 200 and statuses == ["OK", "ERROR"]
    assert [i["InvoiceNumber"] for i in data(api.get("Invoices"))["Invoices"]] == ["POS-1"]


def test_summarised_batch_error_is_400_but_stores_the_valid_ones(api):
    bad = invoice(InvoiceNumber="POS-2", LineItems=[])
    reply = api.put("Invoices", {"Invoices": [invoice(), bad]})
    body = data(reply)
    assert reply.status_code == 400
    assert (body["ErrorNumber"], body["Type"]) == (10, "ValidationException")
    assert [e["InvoiceNumber"] for e in body["Elements"]] == ["POS-2"]
    assert len(data(api.get("Invoices"))["Invoices"]) == 1


def test_invoices_can_be_found_by_number_and_where(api):
    put_one(api, invoice())
    put_one(api, invoice(InvoiceNumber="POS-2", Reference="Other"))
    by_number = data(api.get("Invoices", InvoiceNumbers="POS-2"))["Invoices"]
    by_where = data(api.get("Invoices", where='Reference=="Daily takings"'))["Invoices"]
    assert [i["InvoiceNumber"] for i in by_number] == ["POS-2"]
    assert [i["InvoiceNumber"] for i in by_where] == ["POS-1"]


def test_get_invoice_by_id_and_404(api):
    stored = put_one(api, invoice())
    one = data(api.get("Invoices/" + stored["InvoiceID"]))["Invoices"][0]
    assert one["InvoiceNumber"] == "POS-1" and one["DateString"] == "2026-11-23T00:00:00"
    assert api.get("Invoices/00000000-0000-0000-0000-000000000000").status_code == 404


def test_post_with_existing_number_updates_instead_of_duplicating(api):
    put_one(api, invoice())
    changed = invoice(Reference="Corrected")
    reply = api.post("Invoices", {"Invoices": [changed]}, params={"summarizeErrors": "false"})
    assert data(reply)["Invoices"][0]["Reference"] == "Corrected"
    assert len(data(api.get("Invoices"))["Invoices"]) == 1


def test_credit_note_number_must_be_unique_and_has_remaining_credit(api):
    first = api.put(
        "CreditNotes", {"CreditNotes": [credit_note()]}, params={"summarizeErrors": "false"}
    )
    second = api.put(
        "CreditNotes", {"CreditNotes": [credit_note()]}, params={"summarizeErrors": "false"}
    )
    assert data(first)["CreditNotes"][0]["RemainingCredit"] == Decimal("23.00")
    assert messages(data(second)["CreditNotes"][0]) == ["Credit Note # must be unique."]


def test_credit_notes_found_by_where_number(api):
    api.put("CreditNotes", {"CreditNotes": [credit_note()]})
    found = data(api.get("CreditNotes", where='CreditNoteNumber=="CN-POS-1"'))["CreditNotes"]
    assert [c["Type"] for c in found] == ["ACCRECCREDIT"]


def test_invalid_json_body_is_400(api):
    reply = api.call("PUT", "Invoices", params={"summarizeErrors": "false"})
    assert reply.status_code == 400 and data(reply)["Type"] == "PostDataInvalidException"
