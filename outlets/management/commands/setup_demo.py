from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from outlets.demo import (
    DEMO_ADMIN,
    DEMO_MERCHANT_ID,
    DEMO_STATION_ID,
    ensure_demo_admin,
    set_up_demo,
)


class Command(BaseCommand):
    help = "Create a demo merchant, outlet, admin user and API key (development only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("setup_demo only runs with DEBUG=True.")
        new_key = set_up_demo()
        if ensure_demo_admin():
            self.stdout.write(f"Admin login: {DEMO_ADMIN[0]} / {DEMO_ADMIN[1]}")
        self.stdout.write(f"Demo merchant '{DEMO_MERCHANT_ID}', outlet '{DEMO_STATION_ID}'.")
        self.stdout.write("Demo API key (shown once, a new one each run):")
        self.stdout.write(new_key.key)
