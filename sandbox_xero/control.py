"""/_sandbox/*: control and inspection for tests. No auth: the sandbox binds to 127.0.0.1."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import changes, journals, oauth, reference, webhooks, wire
from .faults import FaultError
from .reply import Reply, bad_request, not_found
from .state import DEFAULT_CONFIG
from .wire import JsonObject

if TYPE_CHECKING:  # server imports this module
    from .server import Request, SandboxServer


def handle(server: "SandboxServer", request: "Request") -> Reply:
    name = request.path[len("/_sandbox/") :].strip("/")
    route = ROUTES.get((request.method, name))
    if route is None:
        return not_found(f"No sandbox control endpoint {request.method} /_sandbox/{name}")
    try:
        body = wire.loads(request.body) if request.body else {}
    except ValueError:
        return bad_request("The control request body is not valid JSON.")
    if not isinstance(body, dict):
        return bad_request("The control request body must be a JSON object.")
    return route(server, request, body)


def add_fault(server: "SandboxServer", request: "Request", body: JsonObject) -> Reply:
    try:
        fault = server.faults.add(body)
    except (FaultError, TypeError, ValueError) as error:
        return bad_request(str(error))
    return Reply(status=201, body=_plain(fault))


def list_faults(server: "SandboxServer", request: "Request", body: JsonObject) -> Reply:
    return Reply(body=_plain(server.faults.snapshot()))


def clear_faults(server: "SandboxServer", request: "Request", body: JsonObject) -> Reply:
    server.faults.clear()
    return Reply(body={"cleared": True})


def revoke(server: "SandboxServer", request: "Request", body: JsonObject) -> Reply:
    oauth.revoke_all(server.state, body.get("tenant_id"))
    return Reply(body={"revoked": True})


def expire_access_tokens(server: "SandboxServer", request: "Request", body: JsonObject) -> Reply:
    oauth.expire_access_tokens(server.state)
    return Reply(body={"expired": True})


MSG_UNKNOWN_ACCOUNT = "No account with code {code!r} in tenant {tenant_id!r}."
ACCOUNT_STATUSES = ("ACTIVE", "ARCHIVED")


def set_account_status(server: "SandboxServer", request: "Request", body: JsonObject) -> Reply:
    """Archive (or restore) an account, as a person does in Xero's chart of accounts: new
    documents coding to it are refused from then on ("… has been archived")."""
    status = body.get("status", "ARCHIVED")
    if status not in ACCOUNT_STATUSES:
        return bad_request(f"status must be one of {', '.join(ACCOUNT_STATUSES)}")
    tenant_id, code = body.get("tenant_id"), body.get("code")
    with server.state.lock:
        tenant = server.state.tenant(tenant_id) if isinstance(tenant_id, str) else None
        account = reference.find_account(tenant, code=code) if tenant and code else None
        if account is None:
            return not_found(MSG_UNKNOWN_ACCOUNT.format(code=code, tenant_id=tenant_id))
        account.update(Status=status, UpdatedDateUTC=wire.now_ms())
        server.state.save()
        return Reply(body=reference.public(account))


def reset(server: "SandboxServer", request: "Request", body: JsonObject) -> Reply:
    server.reset()
    return Reply(body={"reset": True})


def set_config(server: "SandboxServer", request: "Request", body: JsonObject) -> Reply:
    unknown = sorted(set(body) - set(DEFAULT_CONFIG))
    if unknown:
        return bad_request(f"Unknown config keys: {', '.join(unknown)}")
    for key, value in body.items():
        problem = _config_problem(key, value)
        if problem:
            return bad_request(problem)
    with server.state.lock:
        server.state.config.update(body)
        server.state.save()
        config = dict(server.state.config)
    return Reply(body=config)


def _config_problem(key: str, value: Any) -> str | None:
    default = DEFAULT_CONFIG[key]
    if key == "period_lock_date":
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            return "period_lock_date must be YYYY-MM-DD"
        return None
    if isinstance(default, bool):
        return None if isinstance(value, bool) else f"{key} must be true or false"
    if isinstance(default, str):
        return None if isinstance(value, str) else f"{key} must be a string"
    # Whole numbers only: the snapshot encoder refuses floats, and seconds are plenty for tests.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return f"{key} must be a non-negative integer"
    return None


def get_state(server: "SandboxServer", request: "Request", body: JsonObject) -> Reply:
    with server.state.lock:
        data = server.state.data
        tenants = [_tenant_summary(tid, data["tenants"][tid]) for tid in data["tenant_order"]]
        connections = [oauth._public(c) for c in data["connections"].values() if c["active"]]
        counts = {
            "token_refresh_count": data["token_refresh_count"],
            "token_endpoint_calls": data["token_endpoint_calls"],
        }
        config = dict(server.state.config)
    return Reply(
        body={
            "tenants": tenants,
            "connections": connections,
            "config": _plain(config),
            "stats": {**counts, **_limit_stats(server.limiter.stats())},
            "faults": _plain(server.faults.snapshot()),
        }
    )


def _tenant_summary(tenant_id: str, tenant: JsonObject) -> JsonObject:
    invoices, credits, pays = tenant["invoices"], tenant["credit_notes"], tenant["payments"]
    return {
        "tenant_id": tenant_id,
        "name": tenant["organisation"]["Name"],
        "invoices": {
            "count": len(invoices),
            "total": _sum(invoices, "Total"),
            "amount_due": _sum(invoices, "AmountDue"),
        },
        "credit_notes": {
            "count": len(credits),
            "total": _sum(credits, "Total"),
            "remaining_credit": _sum(credits, "RemainingCredit"),
        },
        "payments": {"count": len(pays), "total": _sum(pays, "Amount")},
    }


def _sum(rows: list[JsonObject], field: str) -> Decimal:
    live = (r for r in rows if r.get("Status") not in ("DELETED", "VOIDED"))
    return sum((r[field] for r in live), wire.money(0))


def _limit_stats(per_tenant: dict[str, dict[str, Any]]) -> JsonObject:
    """Totals across tenants, plus each tenant's own counters."""
    values = per_tenant.values()
    return {
        "calls": sum(t["calls"] for t in values),
        "max_concurrent": max((t["max_concurrent"] for t in values), default=0),
        "max_per_minute": max((t["max_per_minute"] for t in values), default=0),
        "rate_limited_count": sum(t["rate_limited_count"] for t in values),
        "per_tenant": _plain(per_tenant),
    }


def get_documents(server: "SandboxServer", request: "Request", body: JsonObject) -> Reply:
    with server.state.lock:
        order = server.state.data["tenant_order"]
        tenant_id = request.query.get("tenant_id") or (order[0] if len(order) == 1 else None)
        tenant = server.state.tenant(tenant_id) if tenant_id else None
        if not tenant_id or tenant is None:
            return bad_request("Give ?tenant_id= of a known tenant.")
        return Reply(
            body={
                "tenant_id": tenant_id,
                **_tenant_summary(tenant_id, tenant),
                "Invoices": [reference.public(d) for d in tenant["invoices"]],
                "CreditNotes": [reference.public(d) for d in tenant["credit_notes"]],
                "Payments": [reference.public(d) for d in tenant["payments"]],
                "ManualJournals": [reference.public(j) for j in journals.journals_of(tenant)],
            }
        )


def change_document(server: "SandboxServer", request: "Request", body: JsonObject) -> Reply:
    """Void, delete, unpay or edit a document as a person would in Xero; then the webhook.

    Body: {"tenant_id"?, "number", "kind"?: "invoice"|"credit_note"|"manual_journal" (number:
    the narration; status only, no event), "status"?: "VOIDED"|
    "DELETED", "remove_payments"?: true, "total"?: "9.00"}. The answer carries the signed
    event (its raw body and signature) and, when webhook_url is set, the status it got.
    """
    with server.state.lock:
        order = server.state.data["tenant_order"]
        tenant_id = body.get("tenant_id") or (order[0] if len(order) == 1 else None)
        tenant = server.state.tenant(tenant_id) if tenant_id else None
        if not tenant_id or tenant is None:
            return bad_request("Give the tenant_id of a known tenant.")
        if changes.is_journal(body):
            return change_journal(server, tenant, body)
        try:
            doc = changes.change_document(tenant, body)
        except (changes.ChangeError, TypeError, ArithmeticError) as error:
            return bad_request(str(error))
        summary = changes.public_summary(changes.kind_of(body), doc)
        server.state.data["webhook_sequence"] += 1
        payload = webhooks.event_payload(tenant_id, summary, server.state.data["webhook_sequence"])
        server.state.save()
        url, key = server.state.config["webhook_url"], server.state.config["webhook_key"]
    # Sent after the lock is released: the service may call the sandbox back at once.
    raw = wire.dumps(payload)
    delivered = webhooks.post_event(url, key, payload) if url else None
    event = {"body": raw, "signature": webhooks.sign(raw.encode("utf-8"), key)}
    return Reply(body={"document": _plain(summary), "event": event, "delivered": delivered})


def change_journal(server: "SandboxServer", tenant: JsonObject, body: JsonObject) -> Reply:
    """Void or delete a manual journal; no event, as Xero sends none for journals (called
    with the state lock held)."""
    try:
        journal = changes.change_journal(tenant, body)
    except changes.ChangeError as error:
        return bad_request(str(error))
    server.state.save()
    return Reply(
        body={"document": changes.journal_summary(journal), "event": None, "delivered": None}
    )


def get_requests(server: "SandboxServer", request: "Request", body: JsonObject) -> Reply:
    return Reply(body={"requests": _plain(list(server.call_log.calls))})


def _plain(value: Any) -> Any:
    """Floats (times, delays) are rendered as Decimal so the float-refusing encoder accepts them."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


Route = Callable[["SandboxServer", "Request", JsonObject], Reply]

ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "faults"): add_fault,
    ("GET", "faults"): list_faults,
    ("DELETE", "faults"): clear_faults,
    ("POST", "revoke"): revoke,
    ("POST", "expire-access-tokens"): expire_access_tokens,
    ("POST", "reset"): reset,
    ("POST", "account-status"): set_account_status,
    ("POST", "config"): set_config,
    ("GET", "state"): get_state,
    ("GET", "documents"): get_documents,
    ("GET", "requests"): get_requests,
    ("POST", "change-document"): change_document,
}
