from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from outlets.demo import DEMO_ADMIN, ensure_demo_admin
from xero_integration.setup.demo import DemoNotPossible, run_demo_job, where_to_look


class Command(BaseCommand):
    help = (
        "The demo's whole job on the sandbox Xero (scripts/run, development only): connect the "
        "demo merchant through the OAuth flow, accept the suggested mappings, feed a day of "
        "sales for two outlets, export them, and say where to look."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("run_demo only runs with DEBUG=True.")
        created = ensure_demo_admin()
        login = "{} / {}".format(*DEMO_ADMIN) if created else "your superuser"
        try:
            result = run_demo_job()
        except DemoNotPossible as reason:
            raise CommandError(str(reason)) from None
        self.stdout.write("\n".join(where_to_look(result, login)))
