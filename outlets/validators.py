import zoneinfo

from django.core.exceptions import ValidationError

CURRENCY_CODES_MESSAGE = "Enter a three-letter ISO 4217 currency code, such as AUD."


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "'%(value)s' is not an IANA timezone, such as Australia/Sydney.",
            params={"value": value},
            code="invalid_timezone",
        )


def validate_currency(value: str) -> None:
    if len(value) != 3 or not value.isalpha() or not value.isupper():
        raise ValidationError(CURRENCY_CODES_MESSAGE, code="invalid_currency")


def validate_not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("This field cannot be blank.", code="blank")
