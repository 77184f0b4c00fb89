from django.urls import path

from . import (
    views_connection,
    views_exports,
    views_mappings,
    views_merchants,
    views_reconciliation,
    views_reference,
    views_sale_state,
    views_sales,
    views_status,
)

urlpatterns = [
    path("merchants/<str:merchant_id>", views_merchants.MerchantView.as_view(), name="merchant"),
    # Connecting and disconnecting a merchant's Xero organisation.
    path("xero/connect", views_connection.ConnectView.as_view(), name="xero-connect"),
    path("xero/disconnect", views_connection.DisconnectView.as_view(), name="xero-disconnect"),
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
    # Sales in, exports out.
    path("xero/sales", views_sales.SalesView.as_view(), name="xero-sales"),
    path(
        "xero/sales/<path:sale_id>/payments",
        views_sales.SalePaymentsView.as_view(),
        name="xero-sale-payments",
    ),
    # path: a sale id may hold "/" (sales/validation.py).
    path("xero/sales/<path:sale_id>", views_sale_state.SaleStateView.as_view(), name="xero-sale"),
    path("xero/sync", views_exports.SyncView.as_view(), name="xero-sync"),
    path("xero/logs", views_exports.LogsView.as_view(), name="xero-logs"),
    path(
        "xero/export-settings",
        views_exports.ExportSettingsView.as_view(),
        name="xero-export-settings",
    ),
    # What Xero holds, read back, and sending again what it is missing.
    path(
        "xero/reconciliation",
        views_reconciliation.ReconciliationView.as_view(),
        name="xero-reconciliation",
    ),
    path(
        "xero/reconciliation/decision",
        views_reconciliation.DecisionView.as_view(),
        name="xero-reconciliation-decision",
    ),
    path("xero/backfill", views_reconciliation.BackfillView.as_view(), name="xero-backfill"),
]
