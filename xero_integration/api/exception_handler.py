"""The one place that turns errors into the API's JSON.

Every error body has `error` (a stable code) and `detail` (a sentence a person can
act on); validation errors add `fields`, naming each bad field. Errors Django answers
before or after a view (404 for an unknown URL, 413, 500) get the same body from
config/api_errors.py.
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import DomainError, error_body


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.detail, exc.fields), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else None
        detail = "; ".join(exc.messages)
        return Response(error_body("invalid", detail, fields), status=status.HTTP_400_BAD_REQUEST)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("invalid", "The request is not valid.", _fields(exc.detail))
    else:
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = error_body(
            code if isinstance(code, str) else "error", str(getattr(exc, "detail", exc))
        )
    return response


def _fields(detail: Any) -> dict:
    if isinstance(detail, dict):
        return detail
    return {"non_field_errors": detail}
