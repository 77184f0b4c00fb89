"""The operations app's routes (config/urls.py includes them at the root)."""

from django.contrib import admin
from django.urls import path

from . import views
from .api.health import HealthView

urlpatterns = [
    path("", views.landing, name="landing"),
    path("api/health", HealthView.as_view(), name="health"),
    # The same check for load balancers that expect this name (documented once, above).
    path("healthz", HealthView.as_view(schema=None), name="healthz"),
    path("metrics", views.prometheus_metrics, name="metrics"),
    # Staff only: admin_view sends anyone else to the admin login and protects the form.
    path(
        "admin/dashboard/",
        admin.site.admin_view(views.operations_dashboard),
        name="operations-dashboard",
    ),
    path(
        "admin/dashboard/replay/<int:document_id>",
        admin.site.admin_view(views.replay),
        name="operations-replay",
    ),
]
