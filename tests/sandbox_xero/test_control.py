from decimal import Decimal

import requests

from sandbox_xero import running_sandbox

from .conftest import Api, connect, data, invoice


def test_documents_dump_has_totals_to_the_cent(api):
    api.put("Invoices", {"Invoices": [invoice(), invoice(InvoiceNumber="POS-2")]})
    dump = api.control("GET", "documents", tenant_id=api.tokens["tenant_id"])
    assert dump["invoices"] == {
        "count": 2,
        "total": Decimal("230.00"),
        "amount_due": Decimal("230.00"),
    }
    assert [i["InvoiceNumber"] for i in dump["Invoices"]] == ["POS-1", "POS-2"]


def test_state_lists_tenants_connections_and_stats(api):
    api.get("Accounts")
    state = api.control("GET", "state")
    assert [t["tenant_id"] for t in state["tenants"]] == [api.tokens["tenant_id"]]
    assert len(state["connections"]) == 1
    assert state["stats"]["calls"] == 1


def test_reset_forgets_everything(api):
    api.control("POST", "reset")
    assert api.control("GET", "state")["tenants"] == []
    assert api.get("Accounts").status_code == 401


def test_unknown_config_key_is_rejected(sandbox):
    reply = requests.post(sandbox + "/_sandbox/config", json={"minute_limt": 1}, timeout=5)
    assert reply.status_code == 400


def test_state_file_survives_a_restart(tmp_path):
    state_file = str(tmp_path / "sandbox.json")
    with running_sandbox(state_file=state_file) as base_url:
        tokens = connect(base_url)
        Api(base_url, tokens).put("Invoices", {"Invoices": [invoice()]})
    with running_sandbox(state_file=state_file) as base_url:
        again = Api(base_url, tokens)
        stored = data(again.get("Invoices"))["Invoices"]
    assert [(i["InvoiceNumber"], i["Total"]) for i in stored] == [("POS-1", Decimal("115.00"))]


def test_requests_log_records_api_calls(api):
    api.get("Accounts")
    calls = api.control("GET", "requests")["requests"]
    assert calls[-1]["path"] == "/api.xro/2.0/Accounts" and calls[-1]["status"] == 200


def test_an_archived_account_refuses_new_documents_coding_to_it(api):
    archived = api.control("POST", "account-status", {"tenant_id": tenant(api), "code": "200"})
    assert archived["Status"] == "ARCHIVED"
    refused = api.put("Invoices", {"Invoices": [invoice()]})
    assert refused.status_code == 400 and "is not a valid code" in refused.text


def test_a_restored_account_takes_documents_again(api):
    body = {"tenant_id": tenant(api), "code": "200"}
    api.control("POST", "account-status", body)
    api.control("POST", "account-status", {**body, "status": "ACTIVE"})
    assert api.put("Invoices", {"Invoices": [invoice()]}).status_code == 200


def test_archiving_an_unknown_account_is_404(api):
    reply = requests.post(
        api.base_url + "/_sandbox/account-status",
        json={"tenant_id": tenant(api), "code": "999"},
        timeout=5,
    )
    assert reply.status_code == 404 and "999" in reply.text


def test_a_document_keeps_the_currency_it_was_sent_in(api):
    saved = data(api.put("Invoices", {"Invoices": [invoice(CurrencyCode="NZD")]}))
    assert saved["Invoices"][0]["CurrencyCode"] == "NZD"


def tenant(api):
    return api.tokens["tenant_id"]
