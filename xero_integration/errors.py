"""Domain errors with text a person can act on.

Services raise these; the API's one exception handler (api/errors.py) turns them into
4xx JSON, so no service needs to know about HTTP responses.
"""


class UserFacingError(Exception):
    """An error whose message is shown as is, with the HTTP status it maps to."""

    status_code = 400
    code = "invalid"

    def __init__(self, detail: str, *, fields: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        self.fields = fields


class Conflict(UserFacingError):
    """The request is fine, but the state it needs is not there yet (e.g. not connected)."""

    status_code = 409
    code = "conflict"
