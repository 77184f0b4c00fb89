"""Xero's XML answers, for a caller that did not ask for JSON.

Xero answers XML unless the request says `Accept: application/json` (notes §4, "Content type
and Accept"), so a client that forgets the header must not get JSON here either. The shape
follows Xero's XML as quoted in xeroizer PR #23: `<ApiException>` around a validation error,
its refused elements as `<Elements><DataContractBase xsi:type="Invoice">`, and `<Response>`
around a collection. A list's items are named by the list's singular (`<Invoices><Invoice>`)
and dates are ISO 8601, as in Xero's XML. Problem answers (401, 404, 5xx) stay JSON: they
come from Xero's API gateway, not from the Accounting API.
"""

import re
from datetime import UTC, datetime
from decimal import Decimal
from email.message import Message
from typing import Any
from xml.sax.saxutils import escape

from .reply import Reply

CONTENT_TYPE = "text/xml; charset=utf-8"
NAMESPACES = (
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
)
# Lists whose items are not simply the list's name less its plural ending.
ITEM_NAMES = {"Tracking": "TrackingCategory", "Elements": "DataContractBase"}
_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def wants_json(headers: Message) -> bool:
    return "application/json" in (headers.get("Accept") or "").lower()


def as_xml(reply: Reply, collection: str) -> Reply:
    """The same answer in XML; problem answers and empty bodies are left as they are."""
    body = reply.body
    if not isinstance(body, dict) or not (reply.status < 300 or "ErrorNumber" in body):
        return reply
    root = "ApiException" if "ErrorNumber" in body else "Response"
    inner = "".join(_element(name, value, collection) for name, value in body.items())
    text = f'<?xml version="1.0" encoding="utf-8"?><{root} {NAMESPACES}>{inner}</{root}>'
    return Reply(
        status=reply.status,
        headers=reply.headers,
        raw=text.encode("utf-8"),
        content_type=CONTENT_TYPE,
    )


def _element(tag: str, value: Any, collection: str) -> str:
    if value is None:
        return ""  # Xero leaves out what it has no value for
    if isinstance(value, list):
        item = singular(tag)
        inner = "".join(_item(item, v, collection) for v in value)
    elif isinstance(value, dict):
        inner = "".join(_element(k, v, collection) for k, v in value.items())
    else:
        inner = escape(_text(value))
    return f"<{tag}>{inner}</{tag}>"


def _item(tag: str, value: Any, collection: str) -> str:
    if tag != "DataContractBase":
        return _element(tag, value, collection)
    # A refused element names its own type, as .NET's serializer writes it.
    element = _element(tag, value, collection)
    typed = f'<{tag} xsi:type="{singular(collection)}">'
    return typed + element[len(tag) + 2 :]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str) and _MS_DATE.match(value):
        return _iso(value)
    return str(value)


def _iso(ms_date: str) -> str:
    match = _MS_DATE.match(ms_date)
    assert match is not None  # _text checked
    moment = datetime.fromtimestamp(int(match.group(1)) / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def singular(name: str) -> str:
    if name in ITEM_NAMES:
        return ITEM_NAMES[name]
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith("sses"):
        return name[:-2]
    return name[:-1] if name.endswith("s") else name
