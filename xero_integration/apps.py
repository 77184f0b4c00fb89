from django.apps import AppConfig


class XeroIntegrationConfig(AppConfig):
    name = "xero_integration"
    verbose_name = "Xero integration"
