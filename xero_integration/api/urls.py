from django.urls import path

from . import views_mappings, views_merchants, views_reference, views_status

urlpatterns = [
    path("merchants/<str:merchant_id>", views_merchants.MerchantView.as_view(), name="merchant"),
    path("xero/status", views_status.StatusView.as_view(), name="xero-status"),
    path(
        "xero/mappings/<str:mapping_type>",
        views_mappings.MappingsView.as_view(),
        name="xero-mappings",
    ),
    path(
        "xero/reference-data/refresh",
        views_reference.ReferenceRefreshView.as_view(),
        name="xero-reference-refresh",
    ),
    path(
        "xero/reference-data/<str:kind>",
        views_reference.ReferenceDataView.as_view(),
        name="xero-reference-data",
    ),
]
