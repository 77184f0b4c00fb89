"""Browser routes of the Xero authorisation flow (the REST API lives in api/urls.py)."""

from django.urls import path

from . import views_oauth

urlpatterns = [
    path("xero/callback", views_oauth.callback, name="xero_callback"),
    path("xero/connect/<int:merchant_pk>", views_oauth.admin_connect, name="xero_admin_connect"),
]
