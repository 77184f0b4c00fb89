from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from outlets.management.commands.create_merchant import service_errors_as_command_errors
from outlets.services import create_outlet


class Command(BaseCommand):
    help = (
        "Create an outlet (a POS station) of a merchant with default export settings, "
        "or update its name and timezone if it exists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("merchant_id", metavar="MERCHANT_ID")
        parser.add_argument("pos_station_id", metavar="POS_STATION_ID")
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--timezone", required=True, help="IANA timezone, such as Australia/Sydney."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with service_errors_as_command_errors():
            outlet, created = create_outlet(
                merchant_id=options["merchant_id"],
                pos_station_id=options["pos_station_id"],
                name=options["name"],
                timezone_name=options["timezone"],
            )
        verb = "Created" if created else "Updated"
        self.stdout.write(
            f"{verb} outlet {outlet.pos_station_id} ({outlet.name}) of merchant "
            f"{outlet.merchant.merchant_id}, timezone {outlet.timezone}."
        )
