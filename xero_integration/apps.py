from django.apps import AppConfig


class XeroIntegrationConfig(AppConfig):
    name = "xero_integration"
    verbose_name = "Xero integration"

    def ready(self) -> None:
        # Registers the OpenAPI extension for API-key authentication, so the schema
        # declares the bearer scheme whichever views are loaded first.
        from .api import schema  # noqa: F401
