"""The domain error family: what a service raises when a person's request cannot be done.

Each error carries a sentence a person can act on and a stable code. Services raise
them without knowing about HTTP; the API's one exception handler
(xero_integration/api/exception_handler.py) answers any of them with the documented
JSON `{"error": code, "detail": …, "fields": …}` and the error's status. Message
templates stay constants next to the service that raises them, so tests assert the
exact text. `error_body` is that JSON, for the errors Django answers itself too
(config/api_errors.py).
"""

from typing import Any


def error_body(code: str, detail: str, fields: dict | None = None) -> dict[str, Any]:
    """The API's error JSON: a stable code, a sentence, and for bad input each bad field."""
    body: dict[str, Any] = {"error": code, "detail": detail}
    if fields:
        body["fields"] = fields
    return body


class DomainError(Exception):
    """A request that cannot be done, with text a person can act on."""

    status_code = 400
    code = "invalid"

    def __init__(self, detail: str, *, fields: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        self.fields = fields


class Invalid(DomainError):
    """The input is wrong; `fields` names each bad field when there are several."""


class NotFound(DomainError):
    """It does not exist, or the caller may not see it (the two answer alike)."""

    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    """The request is fine, but the state it needs is not there (e.g. Xero not connected)."""

    status_code = 409
    code = "conflict"
