from typing import Any

from django.core.management.base import BaseCommand

from xero_integration.periodic import install_schedules


class Command(BaseCommand):
    help = (
        "Create or update the periodic django-q2 schedules declared in xero_integration.periodic."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        names = install_schedules()
        self.stdout.write(f"Schedules up to date: {', '.join(names)}.")
