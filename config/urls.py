from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

# Under /api/ these answer the API's JSON error format; elsewhere Django's own pages.
handler400 = "config.api_errors.bad_request"
handler403 = "config.api_errors.permission_denied"
handler404 = "config.api_errors.page_not_found"
handler500 = "config.api_errors.server_error"


# The product's name on every admin page, not "Django administration".
admin.site.site_header = "xero-bridge"
admin.site.site_title = "xero-bridge admin"
admin.site.index_title = "Point of sale to Xero: merchants, mappings, exports"

urlpatterns = [
    # Before admin/: the operations dashboard lives at /admin/dashboard/.
    path("", include("operations.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[]), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="schema", permission_classes=[]),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        # Our template: the stock one loads web fonts from the internet.
        SpectacularRedocView.as_view(
            url_name="schema", permission_classes=[], template_name="operations/redoc.html"
        ),
        name="api-redoc",
    ),
    path("api/", include("operations.api.urls")),
    path("api/", include("xero_integration.api.urls")),
    path("", include("xero_integration.connection.urls")),
    path("", include("xero_integration.reconciliation.urls")),
]
