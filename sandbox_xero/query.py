"""The small part of Xero's query language the sandbox understands:
where, paging and If-Modified-Since.

`where` supports only `Field=="value"`, `Field==Guid("…")` and `Field==true|false`, joined by
` AND ` / ` OR ` (AND binds tighter), with dotted fields such as `Invoice.InvoiceID`. Anything
else is rejected rather than silently ignored, so a test never passes on an unfiltered list.
"""

import math
import re
from typing import Any

from . import wire
from .wire import JsonObject

_CLAUSE = re.compile(
    r'^\(?\s*([\w.]+)\s*==\s*(?:"([^"]*)"|Guid\("([^"]*)"\)|(true|false))\s*\)?$', re.IGNORECASE
)
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000  # Xero's documented maximum per third parties (xero-api-notes §6)


# Alternatives joined by OR, each a list of (field, expected value) clauses joined by AND.
Where = list[list[tuple[str, str]]]


class QueryError(ValueError):
    pass


def parse_where(text: str | None) -> Where:
    """Return a list of alternatives, each a list of (field, expected string) that must all hold."""
    if not text:
        return []
    alternatives: Where = []
    for branch in re.split(r"\s+OR\s+", text.strip()):
        alternatives.append([_clause(part) for part in re.split(r"\s+AND\s+", branch)])
    return alternatives


def _clause(part: str) -> tuple[str, str]:
    match = _CLAUSE.match(part.strip())
    if not match:
        raise QueryError(f"The sandbox cannot evaluate this where clause: {part.strip()}")
    field, quoted, guid, boolean = match.groups()
    if boolean is not None:
        return field, boolean.lower()
    return field, quoted if quoted is not None else guid


def where_matches(row: JsonObject, alternatives: Where) -> bool:
    if not alternatives:
        return True
    return any(
        all(_value(row, field) == expected for field, expected in clauses)
        for clauses in alternatives
    )


def _value(row: JsonObject, dotted: str) -> str | None:
    value: Any = row
    for name in dotted.split("."):
        value = value.get(name) if isinstance(value, dict) else None
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None else str(value)


def modified_since(rows: list[JsonObject], header: str | None) -> list[JsonObject]:
    """Keep rows whose UpdatedDateUTC (epoch ms) is after the If-Modified-Since header."""
    since = wire.parse_http_time(header)
    if since is None:
        return rows
    return [row for row in rows if row["UpdatedDateUTC"] > since]


def page(
    rows: list[JsonObject], query: dict[str, str]
) -> tuple[list[JsonObject], dict[str, int] | None]:
    """Slice one 1-based page; without `page` everything comes back on one page."""
    if not query.get("page"):
        return rows, None
    try:
        number = max(1, int(query["page"]))
        size = min(MAX_PAGE_SIZE, max(1, int(query.get("pageSize") or DEFAULT_PAGE_SIZE)))
    except ValueError as error:
        raise QueryError("page and pageSize must be integers") from error
    start = (number - 1) * size
    pagination = {
        "page": number,
        "pageSize": size,
        "pageCount": math.ceil(len(rows) / size),
        "itemCount": len(rows),
    }
    return rows[start : start + size], pagination


def csv(query: dict[str, str], name: str) -> list[str]:
    return [v for v in (query.get(name) or "").split(",") if v]
