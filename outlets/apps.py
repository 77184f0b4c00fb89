from django.apps import AppConfig


class OutletsConfig(AppConfig):
    name = "outlets"
    verbose_name = "Merchants and outlets"
