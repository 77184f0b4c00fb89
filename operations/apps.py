from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Seeing the service work: health, the landing page, the dashboard, alerts, metrics."""

    name = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        from django.contrib import admin
        from django_q.signals import post_spawn

        from . import heartbeat

        # Every django-q2 worker process beats, wherever it runs (see heartbeat.py).
        post_spawn.connect(heartbeat.start_in_worker, dispatch_uid="operations-heartbeat")
        # The admin index links the dashboard; "View site" goes to the landing page.
        admin.site.index_template = "operations/admin_index.html"
        admin.site.site_url = "/"
