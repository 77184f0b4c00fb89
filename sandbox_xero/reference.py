"""Settings and contacts: GET Accounts, TaxRates, TrackingCategories, Contacts, Organisation,
plus the look-ups the document rules use."""

from datetime import date
from typing import TYPE_CHECKING, Any

from . import query, seed, wire
from .reply import Reply
from .wire import JsonObject

if TYPE_CHECKING:  # server imports the handlers that import this module
    from .server import Request

MS_DATE_FIELDS = ("UpdatedDateUTC",)
ISO_DATE_FIELDS = ("Date", "DueDate", "FullyPaidOnDate")


def public(row: JsonObject) -> JsonObject:
    """A stored row as Xero writes it: .NET dates, plus the DateString companions Xero adds."""
    out: JsonObject = {}
    for key, value in row.items():
        if key.startswith("_"):
            continue
        if key in MS_DATE_FIELDS and isinstance(value, int):
            out[key] = wire.ms_date(value)
        elif key in ISO_DATE_FIELDS and isinstance(value, str):
            out[key] = wire.date_to_ms_date(date.fromisoformat(value))
            out[key + "String"] = value + "T00:00:00"
        elif isinstance(value, dict):
            out[key] = public(value)
        elif isinstance(value, list):
            out[key] = [public(v) if isinstance(v, dict) else v for v in value]
        else:
            out[key] = value
    return out


# ---- GET handlers (tenant data already resolved, state lock held) ------------------------------


def get_accounts(tenant: JsonObject, request: "Request") -> Reply:
    rows = query.modified_since(tenant["accounts"], request.headers.get("If-Modified-Since"))
    rows = _where(rows, request.query)
    return Reply(body={"Accounts": [public(r) for r in rows]})


def get_tax_rates(tenant: JsonObject, request: "Request") -> Reply:
    rows = _where(tenant["tax_rates"], request.query)
    return Reply(body={"TaxRates": [public(r) for r in rows]})


def get_tracking_categories(tenant: JsonObject, request: "Request") -> Reply:
    include_archived = request.query.get("includeArchived", "").lower() == "true"
    rows = [
        _tracking_view(c, include_archived)
        for c in tenant["tracking"]
        if include_archived or c["Status"] == "ACTIVE"
    ]
    return Reply(body={"TrackingCategories": _where(rows, request.query)})


def _tracking_view(category: JsonObject, include_archived: bool) -> JsonObject:
    options = [o for o in category["Options"] if include_archived or o["Status"] == "ACTIVE"]
    return {**category, "Options": options}


def get_contacts(tenant: JsonObject, request: "Request") -> Reply:
    q = request.query
    rows = query.modified_since(tenant["contacts"], request.headers.get("If-Modified-Since"))
    if q.get("includeArchived", "").lower() != "true":
        rows = [r for r in rows if r["ContactStatus"] == "ACTIVE"]
    if q.get("searchTerm"):
        rows = [r for r in rows if _contact_has_term(r, q["searchTerm"].lower())]
    ids = query.csv(q, "IDs")
    if ids:
        rows = [r for r in rows if r["ContactID"] in ids]
    rows, pagination = query.page(_where(rows, q), q)
    body: JsonObject = {"Contacts": [public(r) for r in rows]}
    if pagination:
        body = {"pagination": pagination, **body}
    return Reply(body=body)


def _contact_has_term(row: JsonObject, term: str) -> bool:
    # Xero: case-insensitive across Name, FirstName, LastName, ContactNumber, EmailAddress.
    fields = ("Name", "FirstName", "LastName", "ContactNumber", "EmailAddress")
    return any(term in (row.get(f) or "").lower() for f in fields)


def get_organisation(tenant: JsonObject, request: "Request", config: dict[str, Any]) -> Reply:
    lock = wire.date_to_ms_date(date.fromisoformat(config["period_lock_date"]))
    org = {**tenant["organisation"], "PeriodLockDate": lock, "EndOfYearLockDate": lock}
    return Reply(body={"Organisations": [org]})


def _where(rows: list[JsonObject], q: dict[str, str]) -> list[JsonObject]:
    alternatives = query.parse_where(q.get("where"))
    return [r for r in rows if query.where_matches(r, alternatives)]


# ---- look-ups used by the document rules -----------------------------------------------------


def find_account(
    tenant: JsonObject, *, code: str | None = None, account_id: str | None = None
) -> JsonObject | None:
    for account in tenant["accounts"]:
        if (code and account["Code"] == code) or (
            account_id and account["AccountID"] == account_id
        ):
            return account
    return None


def find_tax_rate(tenant: JsonObject, tax_type: str) -> JsonObject | None:
    return next((t for t in tenant["tax_rates"] if t["TaxType"] == tax_type), None)


def find_contact(tenant: JsonObject, ref: JsonObject) -> JsonObject | None:
    """Match by ContactID, then ContactNumber, then Name (case-insensitive), as Xero does."""
    for key in ("ContactID", "ContactNumber"):
        if ref.get(key):
            return next((c for c in tenant["contacts"] if c.get(key) == ref[key]), None)
    name = (ref.get("Name") or "").strip().lower()
    return next((c for c in tenant["contacts"] if c["Name"].lower() == name), None)


def create_contact(tenant: JsonObject, name: str) -> JsonObject:
    contact = seed.contact(name.strip(), wire.now_ms())
    tenant["contacts"].append(contact)
    return contact


def find_tracking_option(
    tenant: JsonObject, ref: JsonObject
) -> tuple[JsonObject, JsonObject] | tuple[None, None]:
    """Resolve {Name, Option} or {TrackingCategoryID, TrackingOptionID} to (category, option)."""
    for category in tenant["tracking"]:
        if ref.get("TrackingCategoryID") not in (None, category["TrackingCategoryID"]):
            continue
        if ref.get("Name") not in (None, category["Name"]):
            continue
        for option in category["Options"]:
            if ref.get("TrackingOptionID") in (None, option["TrackingOptionID"]) and ref.get(
                "Option"
            ) in (None, option["Name"]):
                return category, option
    return None, None
