from sandbox_xero import running_sandbox

from .conftest import Api, connect, data, invoice


def put_invoices(api, count, **overrides):
    body = {"Invoices": [invoice(InvoiceNumber=f"POS-{n}", **overrides) for n in range(count)]}
    return api.put("Invoices", body, params={"summarizeErrors": "false"})


def invoice_count(api):
    return len(data(api.get("Invoices"))["Invoices"])


def test_a_body_over_the_size_limit_is_413_in_xeros_shape(api):
    reply = put_invoices(api, 1, Reference="x" * 3_500_000)
    assert reply.status_code == 413
    assert (data(reply)["Title"], data(reply)["Detail"]) == (
        "RequestEntityTooLarge",
        "PayloadTooLarge",
    )
    assert invoice_count(api) == 0


def test_the_size_limit_can_be_raised_or_turned_off():
    with running_sandbox(max_request_bytes=0) as base_url:
        api = Api(base_url, connect(base_url))
        assert put_invoices(api, 1, Reference="x" * 3_500_000).status_code == 200


def test_fifty_elements_are_accepted(api):
    assert put_invoices(api, 50).status_code == 200
    assert invoice_count(api) == 50


def test_more_elements_than_the_limit_are_refused_whole(api):
    reply = put_invoices(api, 51)
    assert reply.status_code == 400 and data(reply)["Type"] == "ValidationException"
    assert "51 Invoices" in data(reply)["Message"]
    assert invoice_count(api) == 0


def test_the_element_limit_is_a_config_value(api):
    api.control("POST", "config", {"max_elements_per_request": 2})
    assert put_invoices(api, 3).status_code == 400
    api.control("POST", "config", {"max_elements_per_request": 0})
    assert put_invoices(api, 60).status_code == 200
