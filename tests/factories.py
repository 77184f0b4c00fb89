"""Factories for the domain models; tests set only the fields they are about."""

import datetime

import factory
from django.utils import timezone

from mappings.models import Mapping
from outlets.models import ExportSettings, Merchant, Outlet
from xero_integration.models import XeroConnection


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Merchant
        django_get_or_create = ("merchant_id",)

    merchant_id = factory.Sequence(lambda n: f"M{n:03d}")
    name = factory.Sequence(lambda n: f"Merchant {n}")
    currency = "AUD"
    amounts_include_tax = True


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet
        skip_postgeneration_save = True

    merchant = factory.SubFactory(MerchantFactory)
    pos_station_id = factory.Sequence(lambda n: f"S{n}")
    name = factory.Sequence(lambda n: f"Outlet {n}")
    timezone = "Australia/Sydney"
    export_settings = factory.RelatedFactory(
        "tests.factories.ExportSettingsFactory", factory_related_name="outlet"
    )


class ExportSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExportSettings

    outlet = factory.SubFactory(OutletFactory, export_settings=None)


class XeroConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = XeroConnection

    merchant = factory.SubFactory(MerchantFactory)
    is_merchant_default = True
    tenant_id = factory.Faker("uuid4")
    tenant_name = factory.Sequence(lambda n: f"Demo Org {n}")
    xero_connection_id = factory.Faker("uuid4")
    access_token = factory.Sequence(lambda n: f"access-token-{n}")
    refresh_token = factory.Sequence(lambda n: f"refresh-token-{n}")
    access_token_expires_at = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(minutes=30)
    )
    refresh_token_expires_at = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(days=60)
    )
    last_refreshed_at = factory.LazyFunction(timezone.now)
    scopes = "offline_access accounting.invoices accounting.payments"


class MappingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mapping

    merchant = factory.SubFactory(MerchantFactory)
    outlet = None
    type = "revenue"
    pos_value = "*"
    xero_value = "200"
