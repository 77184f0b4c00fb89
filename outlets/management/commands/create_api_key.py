from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from outlets.management.commands.create_merchant import service_errors_as_command_errors
from outlets.services import create_api_client


def describe_scope(options: dict[str, Any]) -> str:
    if options["all_merchants"]:
        return "all merchants"
    ids = options["merchant_ids"]
    return ("merchants " if len(ids) > 1 else "merchant ") + ", ".join(ids)


class Command(BaseCommand):
    help = (
        "Create an API key for a POS platform. The key is printed alone on the last line "
        "and is not stored: only its hash is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", metavar="NAME")
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument(
            "--merchant",
            dest="merchant_ids",
            action="append",
            metavar="MERCHANT_ID",
            help="A merchant the key may use; repeat for several.",
        )
        scope.add_argument("--all-merchants", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        with service_errors_as_command_errors():
            new_key = create_api_client(
                name=options["name"],
                merchant_ids=options["merchant_ids"],
                all_merchants=options["all_merchants"],
            )
        self.stdout.write(
            f"Created API key '{new_key.client.name}' for {describe_scope(options)}. "
            "Store it now: it is not shown again."
        )
        # Alone on the last line so scripts can take it with `tail -n 1`.
        self.stdout.write(new_key.key)
