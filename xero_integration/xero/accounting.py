"""One function per Xero Accounting API operation (spec: XeroAPI/Xero-OpenAPI xero_accounting.yaml
v16.1.0, a copy in shared/xero-openapi/). Each returns plain dicts with Decimal amounts.

Each call carries the connection's access token (tokens.fresh_access_token refreshes it
near expiry; transport.send only sends it), and every call follows one rule when Xero
refuses the authorisation (_send_authorised).

Writes always send `summarizeErrors=false`: without it one bad element turns the batch into a
400 although the valid elements ARE created, and their ids are lost (xero-ruby#247, notes §4).
"""

import datetime
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from outlets.models import Outlet

from ..models import XeroConnection
from . import calllog, tokens
from .errors import CONFIG, MSG_NOT_CONFIGURED, XeroError
from .transport import XeroResponse, send

# IDs/InvoiceNumbers in a query string are capped by URL length (Xero-Java PR #331: about 52
# GUIDs), and a page holds up to 100 documents, so 50 numbers per look-up stays within both.
LOOKUP_CHUNK = 50
MSG_ELEMENT_FLAGGED = "Xero marked this element as failed without a message."
# Xero's refusals that name an account, tax type, tracking option or contact: a mapping or
# the organisation's settings must change before the element can go (sandbox and spec
# wordings: "Account code '200' is not a valid code…", "The TaxType code 'X' does not
# exist…", "The tracking category option…", "The contact could not be found…").
REFERENCE_DATA_WORDS = re.compile(r"\baccount\b|tax ?type|tax rate|tracking|\bcontact\b", re.I)


def get_accounts(
    connection: XeroConnection, *, modified_since: datetime.datetime | None = None
) -> list[dict]:
    """GET /Accounts (spec getAccounts). No paging; If-Modified-Since supported."""
    response = _get(connection, "/Accounts", "get_accounts", since=modified_since)
    return _list(response, "Accounts")


def get_tax_rates(connection: XeroConnection) -> list[dict]:
    """GET /TaxRates (spec getTaxRates). No paging and no If-Modified-Since."""
    return _list(_get(connection, "/TaxRates", "get_tax_rates"), "TaxRates")


def get_tracking_categories(
    connection: XeroConnection, *, include_archived: bool = True
) -> list[dict]:
    """GET /TrackingCategories?includeArchived=… (spec getTrackingCategories), options included."""
    params = {"includeArchived": _bool(include_archived)}
    response = _get(connection, "/TrackingCategories", "get_tracking_categories", params=params)
    return _list(response, "TrackingCategories")


def get_contacts_page(
    connection: XeroConnection,
    *,
    page: int,
    modified_since: datetime.datetime | None = None,
    include_archived: bool = True,
    page_size: int = 100,
) -> list[dict]:
    """GET /Contacts?page=…&pageSize=… (spec getContacts).

    Up to page_size contacts per page; a shorter page is the last one.
    """
    params = {"page": page, "pageSize": page_size, "includeArchived": _bool(include_archived)}
    response = _get(connection, "/Contacts", "get_contacts", params=params, since=modified_since)
    return _list(response, "Contacts")


def get_organisation(connection: XeroConnection) -> dict:
    """GET /Organisation (spec getOrganisations): the connected organisation, one element."""
    organisations = _list(_get(connection, "/Organisation", "get_organisation"), "Organisations")
    return organisations[0] if organisations else {}


@dataclass(frozen=True)
class BatchWrite:
    """One batch-create operation: its collection, query and how a log row names elements."""

    key: str
    operation: str
    params: Mapping[str, Any]
    name_of: Callable[[dict], str]


# summarizeErrors=false always (module docstring); unitdp=4 keeps 4-decimal unit prices
# (Xero rounding guide) and is declared on Invoices and CreditNotes, not on Payments.
INVOICES = BatchWrite(
    "Invoices",
    "create_invoices",
    {"summarizeErrors": "false", "unitdp": 4},
    lambda d: d.get("InvoiceNumber") or d.get("Reference") or "",
)
CREDIT_NOTES = BatchWrite(
    "CreditNotes",
    "create_credit_notes",
    {"summarizeErrors": "false", "unitdp": 4},
    lambda d: d.get("CreditNoteNumber") or d.get("Reference") or "",
)
# Manual journals take no unitdp (spec createManualJournals): amounts are LineAmounts, 2 dp.
MANUAL_JOURNALS = BatchWrite(
    "ManualJournals",
    "create_manual_journals",
    {"summarizeErrors": "false"},
    lambda j: j.get("Narration") or "",
)
CONTACTS = BatchWrite(
    "Contacts", "create_contacts", {"summarizeErrors": "false"}, lambda c: c.get("Name") or ""
)
PAYMENTS = BatchWrite(
    "Payments", "create_payments", {"summarizeErrors": "false"}, lambda p: _payment_document(p)
)


def create_invoices(
    connection: XeroConnection,
    invoices: list[dict],
    *,
    idempotency_key: str,
    outlet: Outlet | None = None,
) -> list[dict]:
    """PUT /Invoices?summarizeErrors=false&unitdp=4 (spec createInvoices).

    PUT only creates (POST would update an invoice with the same number, notes §4).
    Returns one result per invoice, in order; read each with `element_errors`.
    """
    return _put_batch(connection, INVOICES, invoices, idempotency_key, outlet)


def create_credit_notes(
    connection: XeroConnection,
    credit_notes: list[dict],
    *,
    idempotency_key: str,
    outlet: Outlet | None = None,
) -> list[dict]:
    """PUT /CreditNotes?summarizeErrors=false&unitdp=4 (spec createCreditNotes)."""
    return _put_batch(connection, CREDIT_NOTES, credit_notes, idempotency_key, outlet)


def create_payments(
    connection: XeroConnection,
    payments: list[dict],
    *,
    idempotency_key: str,
    outlet: Outlet | None = None,
) -> list[dict]:
    """PUT /Payments?summarizeErrors=false (spec createPayments; POST /Payments takes only one)."""
    return _put_batch(connection, PAYMENTS, payments, idempotency_key, outlet)


def create_manual_journals(
    connection: XeroConnection,
    journals: list[dict],
    *,
    idempotency_key: str,
    outlet: Outlet | None = None,
) -> list[dict]:
    """PUT /ManualJournals?summarizeErrors=false (spec createManualJournals).

    Xero keeps no number on a journal, so its Narration is what the caller finds it by.
    """
    return _put_batch(connection, MANUAL_JOURNALS, journals, idempotency_key, outlet)


def find_manual_journals_by_narration(
    connection: XeroConnection, narrations: list[str]
) -> list[dict]:
    """GET /ManualJournals?where=Narration=="A" OR Narration=="B"&page=1 (spec
    getManualJournals).

    The spec has no filter by narration but `where`, 50 narrations per call. `page=1`
    because only a paged answer shows each journal's lines (spec: "page=1 – Up to 100
    manual journals will be returned in a single API call with line items shown"; its
    unpaged example has "JournalLines: []"), and the look-up before a resend and the
    reconciliation both read the lines. 50 narrations stay within a page of 100.
    """
    return _find_where(
        connection, "ManualJournals", "find_manual_journals", "Narration", narrations, paged=True
    )


def create_contacts(
    connection: XeroConnection, contacts: list[dict], *, idempotency_key: str
) -> list[dict]:
    """PUT /Contacts?summarizeErrors=false (spec createContacts). Names are unique in Xero;
    ContactNumber (the POS's customer id) is not, so look it up first."""
    return _put_batch(connection, CONTACTS, contacts, idempotency_key, None)


def find_contacts_by_number(connection: XeroConnection, numbers: list[str]) -> list[dict]:
    """GET /Contacts?where=ContactNumber=="A" OR … (spec getContacts), 50 per call."""
    return _find_where(connection, "Contacts", "find_contacts", "ContactNumber", numbers)


def find_invoices_by_number(connection: XeroConnection, numbers: list[str]) -> list[dict]:
    """GET /Invoices?InvoiceNumbers=A,B (spec getInvoices), 50 numbers per call.

    Used to look Xero up before resending a write whose outcome is unknown.
    """
    found: list[dict] = []
    for chunk in _chunks(numbers):
        params = {"InvoiceNumbers": ",".join(chunk)}
        found += _list(_get(connection, "/Invoices", "find_invoices", params=params), "Invoices")
    return found


def find_credit_notes_by_number(connection: XeroConnection, numbers: list[str]) -> list[dict]:
    """GET /CreditNotes?where=CreditNoteNumber=="A" OR CreditNoteNumber=="B" (spec getCreditNotes).

    The spec has no CreditNoteNumbers filter, so a `where` clause does it, 50 numbers per call.
    """
    return _find_where(connection, "CreditNotes", "find_credit_notes", "CreditNoteNumber", numbers)


def _find_where(
    connection: XeroConnection,
    key: str,
    operation: str,
    field: str,
    values: list[str],
    *,
    paged: bool = False,
) -> list[dict]:
    """GET /<key>?where=<field>=="A" OR <field>=="B", 50 values per call (paged: the
    first page, whose elements carry their lines)."""
    found: list[dict] = []
    for chunk in _chunks(values):
        params = {"where": " OR ".join(f"{field}=={_quoted(v)}" for v in chunk)}
        if paged:
            params["page"] = "1"
        found += _list(_get(connection, f"/{key}", operation, params=params), key)
    return found


def element_errors(element: dict) -> list[str]:
    """Why Xero refused one element of a summarizeErrors=false batch; [] if it was stored.

    Elements carry `ValidationErrors[] {Message}` and are flagged by `HasErrors`,
    `HasValidationErrors` or `StatusAttributeString == "ERROR"` (spec Invoice/Payment
    schemas; Xero staff in Xero-NetStandard#156: "inspect the 'hasErrors' property").
    """
    errors = element.get("ValidationErrors") or []
    messages = [str(e["Message"]) for e in errors if e.get("Message")]
    flagged = (
        element.get("HasErrors") is True
        or element.get("HasValidationErrors") is True
        or element.get("StatusAttributeString") == "ERROR"
    )
    if flagged and not messages:
        return [MSG_ELEMENT_FLAGGED]
    return messages


def names_reference_data(messages: list[str]) -> bool:
    """Whether Xero refused an element for an account, tax rate, tracking option or contact."""
    return any(REFERENCE_DATA_WORDS.search(message) for message in messages)


def api_url(path: str) -> str:
    base = settings.XERO_API_URL
    if not base:
        raise XeroError(MSG_NOT_CONFIGURED.format(name="XERO_API_URL"), kind=CONFIG)
    return base.rstrip("/") + path


def _get(
    connection: XeroConnection,
    path: str,
    operation: str,
    *,
    params: Mapping[str, Any] | None = None,
    since: datetime.datetime | None = None,
) -> XeroResponse:
    headers = {"If-Modified-Since": _http_time(since)} if since else None
    return _send_authorised(
        connection,
        method="GET",
        url=api_url(path),
        operation=operation,
        params=params,
        headers=headers,
    )


def _put_batch(
    connection: XeroConnection,
    write: BatchWrite,
    items: list[dict],
    idempotency_key: str,
    outlet: Outlet | None,
) -> list[dict]:
    """PUT {"<key>": [...]} to /<key>; the answer lists one result per element, in order.

    Xero answers 200 even when it refused some elements, so the refusals are written on
    the call's log row too: support staff filtering failed syncs must see them.
    """
    names = [write.name_of(item) for item in items]
    response = _send_authorised(
        connection,
        method="PUT",
        url=api_url(f"/{write.key}"),
        operation=write.operation,
        json={write.key: items},
        params=write.params,
        idempotency_key=idempotency_key,
        outlet=outlet,
        documents=[name for name in names if name],
    )
    results = _list(response, write.key)
    refused = [(name, element_errors(r)) for name, r in zip(names, results)]
    calllog.note_refusals(response.correlation_id, [(n, e) for n, e in refused if e], len(results))
    return results


def _send_authorised(connection: XeroConnection, **request: Any) -> XeroResponse:
    """An Accounting API call with the connection's token, and the one rule for refusals.

    - 401 (e.g. TokenExpired after clock skew or an early expiry): the token is refreshed
      once and the call made again; only a second refusal sets the grant to "needs
      reconnect". A refused call was not processed, so making it again (with the same
      Idempotency-Key) cannot store anything twice.
    - 403 (AuthenticationUnsuccessful: the organisation is out of this grant's reach,
      e.g. disconnected in Xero): that connection alone needs reconnecting.
    (notes §1 "Error codes"; invalid_grant on the refresh itself is handled in tokens.py.)
    """
    token = tokens.fresh_access_token(connection)
    try:
        return send(connection=connection, access_token=token, **request)
    except XeroError as exc:
        if exc.status != 401 or exc.outcome_unknown:
            _note_refusal(connection, exc)
            raise
    token = tokens.refresh_after_refusal(connection, refused_token=token)
    try:
        return send(connection=connection, access_token=token, **request)
    except XeroError as exc:
        _note_refusal(connection, exc)
        raise


def _note_refusal(connection: XeroConnection, exc: XeroError) -> None:
    if exc.status in (401, 403):
        tokens.mark_refused(connection, reason=exc.message, whole_grant=exc.status == 401)


def _list(response: XeroResponse, key: str) -> list:
    # 304 Not Modified (If-Modified-Since) has no body: nothing changed.
    if response.status == 304 or not isinstance(response.json, dict):
        return []
    return list(response.json.get(key) or [])


def _http_time(moment: datetime.datetime) -> str:
    # ISO 8601 in UTC, the form of the spec's own example (2020-02-06T12:17:43.202-08:00).
    return moment.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds")


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _quoted(text: str) -> str:
    # Xero's where syntax has no documented escape for a double quote: refuse rather than guess.
    if '"' in text:
        raise ValueError(f"A where clause cannot hold a number with a double quote: {text!r}")
    return f'"{text}"'


def _chunks(items: list[str]) -> Iterator[list[str]]:
    unique = list(dict.fromkeys(i for i in items if i))
    for start in range(0, len(unique), LOOKUP_CHUNK):
        yield unique[start : start + LOOKUP_CHUNK]


def _payment_document(payment: dict) -> str:
    target = payment.get("Invoice") or payment.get("CreditNote") or {}
    number = target.get("InvoiceNumber") or target.get("CreditNoteNumber")
    return number or payment.get("Reference") or ""
