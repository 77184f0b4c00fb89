"""Browser routes of the Xero authorisation flow (the REST API lives in api/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("xero/callback", views.callback, name="xero_callback"),
    path("xero/connect/<int:merchant_pk>", views.admin_connect, name="xero_admin_connect"),
]
