"""What a handler answers, and the Xero-shaped error bodies."""

import uuid
from dataclasses import dataclass, field

from . import wire


@dataclass
class Reply:
    status: int = 200
    body: object = None
    headers: dict = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"
    raw: bytes | None = None
    drop_connection: bool = False

    def payload(self):
        if self.raw is not None:
            return self.raw
        if self.body is None:
            return b""
        return wire.dumps(self.body).encode("utf-8")


def problem(status, title, detail):
    """The problem-details shape Xero's API gateway uses for 401/403/404/5xx."""
    body = {
        "Type": None,
        "Title": title,
        "Status": status,
        "Detail": detail,
        "Instance": str(uuid.uuid4()),
        "Extensions": {},
    }
    return Reply(status=status, body=body)


def unauthorized(detail):
    return problem(401, "Unauthorized", detail)


def forbidden():
    # Xero answers this when the tenant id does not belong to the token (xero-node#432).
    return problem(403, "Forbidden", "AuthenticationUnsuccessful")


def not_found(detail="The resource you're looking for cannot be found"):
    return problem(404, "Resource Not Found", detail)


def server_error(status=500, detail="An error occurred in Xero."):
    title = "Service Unavailable" if status == 503 else "Internal Server Error"
    return problem(status, title, detail)


def validation_exception(elements):
    """The summarised 400 envelope (spec Error/Element schemas)."""
    body = {
        "ErrorNumber": 10,
        "Type": "ValidationException",
        "Message": "A validation exception occurred",
        "Elements": elements,
    }
    return Reply(status=400, body=body)


def bad_request(message, error_type="ValidationException", number=10):
    body = {"ErrorNumber": number, "Type": error_type, "Message": message}
    return Reply(status=400, body=body)


def oauth_error(error, status=400, description=None):
    body = {"error": error}
    if description:
        body["error_description"] = description
    return Reply(status=status, body=body)


def html(status, text, headers=None):
    page = f"<!doctype html><html><body>{text}</body></html>".encode()
    return Reply(
        status=status, raw=page, headers=headers or {}, content_type="text/html; charset=utf-8"
    )


def redirect(location):
    return Reply(status=302, headers={"Location": location}, body=None)
