"""The operations app's API routes that need a key (mounted under /api/ by config/urls.py)."""

from django.urls import path

from .alert_settings import AlertSettingsView

urlpatterns = [
    path("alerts/settings", AlertSettingsView.as_view(), name="alert-settings"),
]
