"""Accounting API routes under /api.xro/2.0. Called with the state lock held and the tenant
already authorised and admitted by the rate limiter."""

import uuid
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from . import contacts, documents, journals, payments, query, reference, wire
from .reply import Reply, bad_request, not_found, validation_exception
from .state import SandboxState
from .wire import JsonObject

if TYPE_CHECKING:  # server imports this module
    from .server import Request

MSG_BAD_JSON = "The request body is not valid JSON."
MSG_NO_ELEMENTS = "The request must contain at least one {}."
# The sandbox's wording: Xero documents no element limit, only advice (notes §4).
MSG_TOO_MANY_ELEMENTS = (
    "This request holds {count} {key}; the sandbox accepts at most {limit} per request "
    "(Xero recommends batches of up to 50)."
)


class BodyError(ValueError):
    pass


class TooManyElements(ValueError):
    pass


def handle(state: SandboxState, tenant: JsonObject, request: "Request") -> Reply:
    parts = [p for p in request.path.split("/") if p]
    method = request.method
    try:
        if method == "GET":
            return _get(state, tenant, request, parts)
        if method in ("PUT", "POST") and len(parts) == 1:
            return _write(state, tenant, request, parts[0])
    except query.QueryError as error:
        return bad_request(str(error))
    except BodyError as error:
        return bad_request(str(error), error_type="PostDataInvalidException", number=14)
    except TooManyElements as error:
        return bad_request(str(error))
    return not_found()


# ---- reads -----------------------------------------------------------------------------------

SETTINGS_READS = {
    "Accounts": reference.get_accounts,
    "TaxRates": reference.get_tax_rates,
    "TrackingCategories": reference.get_tracking_categories,
    "Contacts": reference.get_contacts,
}


# Collections whose GET takes If-Modified-Since in the spec, and the tenant list each reads.
MODIFIED_SINCE_STORES = {
    "Accounts": "accounts",
    "Contacts": "contacts",
    "Invoices": "invoices",
    "CreditNotes": "credit_notes",
    "Payments": "payments",
}


def _get(state: SandboxState, tenant: JsonObject, request: "Request", parts: list[str]) -> Reply:
    name = parts[0] if parts else ""
    if len(parts) == 1 and _not_modified(state, tenant, request, name):
        return Reply(status=304)
    if len(parts) == 1 and name in SETTINGS_READS:
        return SETTINGS_READS[name](tenant, request)
    if parts == ["Organisation"]:
        return reference.get_organisation(tenant, request, state.config)
    kind = {"Invoices": documents.INVOICES, "CreditNotes": documents.CREDIT_NOTES}.get(name)
    if kind and len(parts) == 1:
        return _list_documents(tenant, kind, request)
    if kind and len(parts) == 2:
        return _one_document(tenant, kind, parts[1])
    if name == "Payments" and len(parts) <= 2:
        return _payments(tenant, request, parts[1] if len(parts) == 2 else None)
    if name == "ManualJournals" and len(parts) <= 2:
        return _manual_journals(tenant, request, parts[1] if len(parts) == 2 else None)
    return not_found()


def _not_modified(state: SandboxState, tenant: JsonObject, request: "Request", name: str) -> bool:
    """Nothing in the collection changed since If-Modified-Since: 304 with no body (config
    not_modified_304; off, 200 and an empty list). The service's client reads both as
    "nothing changed" (xero/accounting.py _list)."""
    store = MODIFIED_SINCE_STORES.get(name)
    header = request.headers.get("If-Modified-Since")
    if store is None or not state.config["not_modified_304"]:
        return False
    if wire.parse_http_time(header) is None:
        return False
    return not query.modified_since(tenant[store], header)


def _list_documents(tenant: JsonObject, kind: documents.Kind, request: "Request") -> Reply:
    q = request.query
    rows = query.modified_since(tenant[kind.store], request.headers.get("If-Modified-Since"))
    filters = (
        (kind.id_field, query.csv(q, "IDs")),
        ("Status", query.csv(q, "Statuses")),
        (kind.number_field, query.csv(q, kind.number_field + "s")),
    )
    for field, wanted in filters:
        if wanted:
            rows = [r for r in rows if r.get(field) in wanted]
    contact_ids = query.csv(q, "ContactIDs")
    if contact_ids:
        rows = [r for r in rows if r["Contact"]["ContactID"] in contact_ids]
    alternatives = query.parse_where(q.get("where"))
    rows, pagination = query.page([r for r in rows if query.where_matches(r, alternatives)], q)
    return _envelope(kind.path, [reference.public(r) for r in rows], pagination)


def _one_document(tenant: JsonObject, kind: documents.Kind, key: str) -> Reply:
    """Xero accepts either the document's ID or its number in the URL."""
    doc = next(
        (d for d in tenant[kind.store] if key in (d[kind.id_field], d.get(kind.number_field))), None
    )
    if doc is None:
        return not_found()
    return _envelope(kind.path, [reference.public(doc)])


def _payments(tenant: JsonObject, request: "Request", payment_id: str | None) -> Reply:
    rows = tenant["payments"]
    if payment_id:
        rows = [p for p in rows if p["PaymentID"] == payment_id]
        if not rows:
            return not_found()
        return _envelope("Payments", [reference.public(rows[0])])
    rows = query.modified_since(rows, request.headers.get("If-Modified-Since"))
    alternatives = query.parse_where(request.query.get("where"))
    rows, pagination = query.page(
        [r for r in rows if query.where_matches(r, alternatives)], request.query
    )
    return _envelope("Payments", [reference.public(r) for r in rows], pagination)


def _manual_journals(tenant: JsonObject, request: "Request", journal_id: str | None) -> Reply:
    """GET /ManualJournals (spec getManualJournals: where, order, page) or one by id."""
    rows = journals.journals_of(tenant)
    if journal_id:
        found = [j for j in rows if j["ManualJournalID"] == journal_id]
        return _envelope("ManualJournals", [reference.public(found[0])]) if found else not_found()
    alternatives = query.parse_where(request.query.get("where"))
    rows, pagination = query.page(
        [r for r in rows if query.where_matches(r, alternatives)], request.query
    )
    listed = [reference.public(r) for r in rows]
    if not request.query.get("page"):
        # As Xero: only a paged answer shows the lines (spec getManualJournals `page`: "with
        # line items shown"; its unpaged example has "JournalLines: []").
        listed = [{**journal, "JournalLines": []} for journal in listed]
    return _envelope("ManualJournals", listed, pagination)


def _envelope(key: str, rows: list[JsonObject], pagination: dict[str, int] | None = None) -> Reply:
    """Xero's response wrapper: Id, Status, ProviderName, DateTimeUTC, then the collection."""
    body: JsonObject = {
        "Id": str(uuid.uuid4()),
        "Status": "OK",
        "ProviderName": "Sandbox Xero",
        "DateTimeUTC": wire.ms_date(wire.now_ms()),
    }
    if pagination:
        body["pagination"] = pagination
    body[key] = rows
    return Reply(body=body)


# ---- writes ----------------------------------------------------------------------------------


def _write(state: SandboxState, tenant: JsonObject, request: "Request", name: str) -> Reply:
    lock_date = date.fromisoformat(state.config["period_lock_date"])
    if name in ("Invoices", "CreditNotes"):
        kind = documents.INVOICES if name == "Invoices" else documents.CREDIT_NOTES
        unitdp = 4 if request.query.get("unitdp") == "4" else 2
        ctx = documents.Context(
            tenant,
            kind,
            unitdp,
            lock_date,
            may_update=request.method == "POST",
            unique_numbers=state.config["unique_numbers"],
        )
        return _save_all(state, request, name, lambda e: documents.save(ctx, e))
    if name == "Payments":
        payments_ctx = payments.Context(
            tenant, lock_date, refuse_sub_cents=state.config["refuse_sub_cent_payments"]
        )
        # POST /Payments (createPayment) takes one Payment and has no summarizeErrors.
        summarize = request.method == "POST" or _summarize(request)
        return _save_all(
            state, request, name, lambda e: payments.save(payments_ctx, e), summarize=summarize
        )
    if name == "Contacts" and request.method == "PUT":
        return _save_all(state, request, name, lambda e: contacts.save(tenant, e))
    if name == "ManualJournals":
        journal_ctx = journals.Context(tenant, lock_date)
        return _save_all(state, request, name, lambda e: journals.save(journal_ctx, e))
    return not_found()


def _summarize(request: "Request") -> bool:
    return request.query.get("summarizeErrors", "true").lower() != "false"


def _save_all(
    state: SandboxState,
    request: "Request",
    key: str,
    save_one: Callable[[Any], tuple[bool, JsonObject]],
    summarize: bool | None = None,
) -> Reply:
    elements = _elements(request, key)
    _check_count(elements, key, state.config["max_elements_per_request"])
    results = [save_one(element) for element in elements]
    summarize = _summarize(request) if summarize is None else summarize
    if summarize and not all(ok for ok, _ in results):
        # Real Xero stores the valid elements even though it answers 400 (xero-ruby#247).
        return validation_exception([out for ok, out in results if not ok])
    return _envelope(key, [out for _, out in results])


def _elements(request: "Request", key: str) -> list[Any]:
    try:
        body = wire.loads(request.body or b"")
    except ValueError as error:
        raise BodyError(MSG_BAD_JSON) from error
    if isinstance(body, dict) and isinstance(body.get(key), list):
        elements = body[key]
    elif isinstance(body, dict) and key not in body:
        elements = [body]
    else:
        raise BodyError(f"Expected an object with a '{key}' array.")
    if not elements:
        raise BodyError(MSG_NO_ELEMENTS.format(key[:-1]))
    return elements


def _check_count(elements: list[Any], key: str, limit: int) -> None:
    """Refuse the whole batch past config max_elements_per_request (0: no limit). Xero says
    "There is no limit to the number of elements within a request" but recommends batches
    of up to 50 (notes §4); the sandbox enforces the advice so a client that outgrows it
    is caught here rather than by slow answers from Xero."""
    if limit and len(elements) > limit:
        raise TooManyElements(
            MSG_TOO_MANY_ELEMENTS.format(count=len(elements), key=key, limit=limit)
        )
