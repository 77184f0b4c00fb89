"""parse_error: each error shape Xero answers with becomes one XeroError of the right kind."""

import json

from xero_integration.xero import errors
from xero_integration.xero.errors import parse_error


def _body(value) -> str:
    return json.dumps(value)


def test_validation_exception_with_elements_is_permanent_and_keeps_xeros_text():
    body = {
        "ErrorNumber": 10,
        "Type": "ValidationException",
        "Message": "A validation exception occurred",
        "Elements": [
            {
                "InvoiceNumber": "POS-1",
                "ValidationErrors": [{"Message": "Invoice # must be unique."}],
            },
            {
                "InvoiceNumber": "POS-2",
                "ValidationErrors": [
                    {"Message": "Account code '999' is not a valid code for this document."}
                ],
            },
        ],
    }

    error = parse_error(400, _body(body), {})

    assert error.kind == errors.PERMANENT
    assert error.status == 400
    assert error.validation_errors == [
        "Invoice # must be unique.",
        "Account code '999' is not a valid code for this document.",
    ]
    assert error.message == errors.MSG_VALIDATION.format(
        details="Invoice # must be unique. "
        "Account code '999' is not a valid code for this document."
    )
    assert error.outcome_unknown is False


def test_top_level_validation_errors_are_read():
    body = {
        "ValidationErrors": [
            {"Message": "The total debits (100.00) must equal total credits (-10.00)"}
        ]
    }

    error = parse_error(400, _body(body), {})

    assert error.kind == errors.PERMANENT
    assert error.validation_errors == [
        "The total debits (100.00) must equal total credits (-10.00)"
    ]
    assert error.message == (
        "Xero rejected the request: The total debits (100.00) must equal total credits (-10.00)."
    )


def test_message_only_400_is_permanent_with_xeros_message():
    body = {
        "ErrorNumber": 10,
        "Type": "ValidationException",
        "Message": "Idempotency Key: k-1 is used with a different request.",
    }

    error = parse_error(400, _body(body), {})

    assert error.kind == errors.PERMANENT
    assert error.validation_errors == []
    assert (
        error.message
        == "Xero rejected the request: Idempotency Key: k-1 is used with a different request."
    )


def test_401_token_expired_detail_is_auth():
    body = {
        "Type": None,
        "Title": "Unauthorized",
        "Status": 401,
        "Detail": "TokenExpired: token expired at 11/24/2026 07:00:00",
    }

    error = parse_error(401, _body(body), {})

    assert error.kind == errors.AUTH
    assert error.status == 401
    assert error.message == errors.MSG_AUTH.format(
        details="TokenExpired: token expired at 11/24/2026 07:00:00"
    )


def test_403_authentication_unsuccessful_is_auth():
    body = {
        "Type": None,
        "Title": "Forbidden",
        "Status": 403,
        "Detail": "AuthenticationUnsuccessful",
    }

    error = parse_error(403, _body(body), {})

    assert error.kind == errors.AUTH
    assert "AuthenticationUnsuccessful" in error.message


def test_invalid_grant_is_auth():
    body = {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}

    error = parse_error(400, _body(body), {})

    assert error.kind == errors.AUTH
    assert error.message == errors.MSG_INVALID_GRANT.format(
        details="invalid_grant: Token has been expired or revoked."
    )


def test_invalid_grant_is_raised_as_invalid_grant_with_xeros_code_and_description():
    body = {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}

    error = parse_error(400, _body(body), {})

    assert isinstance(error, errors.InvalidGrant)
    assert (error.error_code, error.status) == ("invalid_grant", 400)
    assert error.description == "Token has been expired or revoked."


def test_invalid_client_is_config_because_reconnecting_cannot_fix_it():
    error = parse_error(401, _body({"error": "invalid_client"}), {})

    assert error.kind == errors.CONFIG
    assert error.message == errors.MSG_CLIENT_CONFIG.format(details="invalid_client")
    assert not isinstance(error, errors.InvalidGrant)
    assert (error.error_code, error.description) == ("invalid_client", "")


def test_errors_that_are_not_oauth_errors_have_no_error_code():
    error = parse_error(400, _body({"Message": "A validation exception occurred"}), {})

    assert (error.error_code, error.description) == ("", "")


def test_html_502_is_transient_with_the_pages_words():
    page = (
        "<html><head><title>502</title><style>p{}</style></head>"
        "<body><h1>Bad Gateway</h1></body></html>"
    )

    error = parse_error(502, page, {"Content-Type": "text/html"})

    assert error.kind == errors.TRANSIENT
    assert error.status == 502
    assert error.message == "Xero is unavailable (HTTP 502): 502 Bad Gateway. Try again later."


def test_plain_text_503_is_transient():
    error = parse_error(503, "oauth_problem=rate%20limit%20exceeded", {})

    assert error.kind == errors.TRANSIENT
    assert "oauth_problem=rate%20limit%20exceeded" in error.message


def test_429_is_transient_with_retry_after_and_the_limit_named():
    headers = {"Retry-After": "7", "X-Rate-Limit-Problem": "minute"}

    error = parse_error(429, "", headers)

    assert error.kind == errors.TRANSIENT
    assert error.retry_after == 7.0
    assert error.message == "Xero's minute rate limit was reached; try again in 7 seconds."


def test_429_without_retry_after_has_none():
    error = parse_error(429, "", {"X-Rate-Limit-Problem": "concurrent"})

    assert error.retry_after is None
    assert error.message == "Xero's concurrent rate limit was reached; try again shortly."


def test_404_is_permanent():
    body = {
        "Title": "Resource Not Found",
        "Status": 404,
        "Detail": "The resource you're looking for cannot be found",
    }

    error = parse_error(404, _body(body), {})

    assert error.kind == errors.PERMANENT
    assert error.message == (
        "Xero rejected the request (HTTP 404): The resource you're looking for cannot be found"
    )


def test_empty_body_still_gives_a_sentence():
    error = parse_error(500, "", {})

    assert error.message == "Xero is unavailable (HTTP 500): no details given. Try again later."


def test_retry_after_may_be_an_http_date():
    assert errors.retry_after_seconds({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert errors.retry_after_seconds({"Retry-After": "12.5"}) == 12.5
    assert errors.retry_after_seconds({}) is None
