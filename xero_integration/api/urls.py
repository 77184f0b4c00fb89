from django.urls import path

from . import views_merchants

urlpatterns = [
    path("merchants/<str:merchant_id>", views_merchants.MerchantView.as_view(), name="merchant"),
]
