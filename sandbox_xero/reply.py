"""What a handler answers, and the Xero-shaped error bodies."""

import uuid
from dataclasses import dataclass, field
from typing import Any

from . import wire
from .wire import JsonObject


@dataclass
class Reply:
    status: int = 200
    body: object = None
    headers: dict[str, Any] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"
    raw: bytes | None = None
    drop_connection: bool = False

    def payload(self) -> bytes:
        if self.raw is not None:
            return self.raw
        if self.body is None:
            return b""
        return wire.dumps(self.body).encode("utf-8")


def problem(status: int, title: str, detail: str) -> Reply:
    """The problem-details shape Xero's API gateway uses for 401/403/404/5xx."""
    body: JsonObject = {
        "Type": None,
        "Title": title,
        "Status": status,
        "Detail": detail,
        "Instance": str(uuid.uuid4()),
        "Extensions": {},
    }
    return Reply(status=status, body=body)


def unauthorized(detail: str) -> Reply:
    return problem(401, "Unauthorized", detail)


def forbidden() -> Reply:
    # Xero answers this when the tenant id does not belong to the token (xero-node#432).
    return problem(403, "Forbidden", "AuthenticationUnsuccessful")


def not_found(detail: str = "The resource you're looking for cannot be found") -> Reply:
    return problem(404, "Resource Not Found", detail)


def server_error(status: int = 500, detail: str = "An error occurred in Xero.") -> Reply:
    title = "Service Unavailable" if status == 503 else "Internal Server Error"
    return problem(status, title, detail)


def validation_exception(elements: list[JsonObject]) -> Reply:
    """The summarised 400 envelope (spec Error/Element schemas)."""
    body = {
        "ErrorNumber": 10,
        "Type": "ValidationException",
        "Message": "A validation exception occurred",
        "Elements": elements,
    }
    return Reply(status=400, body=body)


def bad_request(message: str, error_type: str = "ValidationException", number: int = 10) -> Reply:
    body = {"ErrorNumber": number, "Type": error_type, "Message": message}
    return Reply(status=400, body=body)


def oauth_error(error: str, status: int = 400, description: str | None = None) -> Reply:
    body = {"error": error}
    if description:
        body["error_description"] = description
    return Reply(status=status, body=body)


def html(status: int, text: str, headers: dict[str, Any] | None = None) -> Reply:
    page = f"<!doctype html><html><body>{text}</body></html>".encode()
    return Reply(
        status=status, raw=page, headers=headers or {}, content_type="text/html; charset=utf-8"
    )


def redirect(location: str) -> Reply:
    return Reply(status=302, headers={"Location": location}, body=None)
