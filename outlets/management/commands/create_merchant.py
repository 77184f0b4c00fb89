from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from outlets.services import MerchantNotFound, create_merchant


def validation_error_line(error: ValidationError) -> str:
    """One line naming each bad field, e.g. "timezone: 'Mars/Base' is not an IANA …"."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return "; ".join(
        " ".join(messages) if field == NON_FIELD_ERRORS else f"{field}: {' '.join(messages)}"
        for field, messages in error.message_dict.items()
    )


@contextmanager
def service_errors_as_command_errors() -> Iterator[None]:
    """Bad input ends the command with one clear line and a non-zero exit, no traceback."""
    try:
        yield
    except MerchantNotFound as exc:
        raise CommandError(str(exc)) from None
    except ValidationError as exc:
        raise CommandError(validation_error_line(exc)) from None


class Command(BaseCommand):
    help = (
        "Create a merchant, or update it if MERCHANT_ID exists. A rerun sets every value "
        "again, defaults included, so repeat the flags you gave the first time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("merchant_id", metavar="MERCHANT_ID")
        parser.add_argument("--name", required=True)
        parser.add_argument("--currency", default="AUD", help="ISO 4217 code (default AUD).")
        tax = parser.add_mutually_exclusive_group()
        tax.add_argument(
            "--amounts-include-tax",
            dest="amounts_include_tax",
            action="store_true",
            default=True,
            help="POS prices include tax (the default).",
        )
        tax.add_argument("--amounts-exclude-tax", dest="amounts_include_tax", action="store_false")

    def handle(self, *args: Any, **options: Any) -> None:
        with service_errors_as_command_errors():
            merchant, created = create_merchant(
                merchant_id=options["merchant_id"],
                name=options["name"],
                currency=options["currency"],
                amounts_include_tax=options["amounts_include_tax"],
            )
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} merchant {merchant.merchant_id} ({merchant.name}).")
