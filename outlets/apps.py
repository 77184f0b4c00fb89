from django.apps import AppConfig


class OutletsConfig(AppConfig):
    name = "outlets"
    verbose_name = "Merchants and outlets"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
