from django.urls import path

from . import views

urlpatterns = [
    path("xero/webhooks", views.xero_webhook, name="xero_webhooks"),
]
