"""Factories for the domain models; tests set only the fields they are about."""

import datetime

import factory
from django.utils import timezone

from mappings.models import Mapping
from outlets.models import ExportSettings, Merchant, Outlet
from xero_integration.models import (
    ExportDocument,
    ReconciliationDay,
    ReferenceRecord,
    Sale,
    XeroConnection,
)


class MerchantFactory(factory.django.DjangoModelFactory[Merchant]):
    class Meta:
        model = Merchant
        django_get_or_create = ("merchant_id",)

    merchant_id = factory.Sequence(lambda n: f"M{n:03d}")
    name = factory.Sequence(lambda n: f"Merchant {n}")
    currency = "AUD"
    amounts_include_tax = True


class OutletFactory(factory.django.DjangoModelFactory[Outlet]):
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


class ExportSettingsFactory(factory.django.DjangoModelFactory[ExportSettings]):
    class Meta:
        model = ExportSettings

    outlet = factory.SubFactory(OutletFactory, export_settings=None)


class XeroConnectionFactory(factory.django.DjangoModelFactory[XeroConnection]):
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


class MappingFactory(factory.django.DjangoModelFactory[Mapping]):
    class Meta:
        model = Mapping

    merchant = factory.SubFactory(MerchantFactory)
    outlet = None
    type = "revenue"
    pos_value = "*"
    xero_value = "200"


class ExportDocumentFactory(factory.django.DjangoModelFactory[ExportDocument]):
    class Meta:
        model = ExportDocument

    outlet = factory.SubFactory(OutletFactory)
    connection = factory.SubFactory(
        XeroConnectionFactory, merchant=factory.SelfAttribute("..outlet.merchant")
    )
    kind = "invoice"
    grouping = "per_sale"
    number = factory.Sequence(lambda n: f"POSS1-{n}")
    business_date = datetime.date(2026, 11, 23)
    currency = "AUD"
    total = "9.00"


class SaleFactory(factory.django.DjangoModelFactory[Sale]):
    class Meta:
        model = Sale

    outlet = factory.SubFactory(OutletFactory)
    merchant = factory.SelfAttribute("outlet.merchant")
    sale_id = factory.Sequence(lambda n: f"sale-{n}")
    type = "sale"
    occurred_at = factory.LazyFunction(timezone.now)
    business_date = datetime.date(2026, 11, 23)
    currency = "AUD"
    total = "9.00"
    payload = factory.LazyAttribute(lambda s: {"id": s.sale_id})
    content_hash = "h"


class ReconciliationDayFactory(factory.django.DjangoModelFactory[ReconciliationDay]):
    """A day read back as red: its invoice voided in Xero, nobody has decided yet."""

    class Meta:
        model = ReconciliationDay

    outlet = factory.SubFactory(OutletFactory)
    business_date = factory.LazyFunction(lambda: timezone.now().date() - datetime.timedelta(1))
    status = "red"
    flags = factory.LazyAttribute(
        lambda day: (
            [
                {
                    "severity": "red",
                    "flag": "voided",
                    "number": "POSS1-A1",
                    "detail": "POSS1-A1: Voided in Xero. Re-export it under a new number, or accept it.",
                }
            ]
            if day.status == "red"
            else []
        )
    )
    checked_at = factory.LazyFunction(timezone.now)


class ReferenceRecordFactory(factory.django.DjangoModelFactory[ReferenceRecord]):
    class Meta:
        model = "xero_integration.ReferenceRecord"

    connection = factory.SubFactory(XeroConnectionFactory)
    kind = "accounts"
    xero_id = factory.Faker("uuid4")
    code = "200"
    name = "Sales"
    status = "ACTIVE"
    data = factory.LazyAttribute(lambda r: {"Code": r.code, "Name": r.name, "Status": r.status})


def seed_reference_data(connection):
    """A small Xero chart: what the mapping rules are tested against."""
    from xero_integration.models import ReferenceSnapshot

    accounts: list[tuple[str, str, str, str, dict[str, object]]] = [
        ("090", "Business Bank Account", "BANK", "ACTIVE", {}),
        ("200", "Sales", "REVENUE", "ACTIVE", {}),
        ("210", "Cafe Sales", "REVENUE", "ACTIVE", {}),
        ("250", "Old Sales", "REVENUE", "ARCHIVED", {}),
        ("610", "Accounts Receivable", "CURRENT", "ACTIVE", {"SystemAccount": "DEBTORS"}),
        ("615", "Card Clearing", "CURRENT", "ACTIVE", {"EnablePaymentsToAccount": True}),
        ("835", "Gift Card Liability", "CURRLIAB", "ACTIVE", {}),
        ("860", "Rounding", "CURRENT", "ACTIVE", {"SystemAccount": "ROUNDING"}),
        ("404", "Bank Fees", "EXPENSE", "ACTIVE", {}),
    ]
    for code, name, type_, status, extra in accounts:
        ReferenceRecordFactory.create(
            connection=connection,
            kind="accounts",
            code=code,
            name=name,
            status=status,
            data={"Code": code, "Name": name, "Type": type_, "Status": status, **extra},
        )
    for code, name, status in [
        ("OUTPUT", "GST on Income", "ACTIVE"),
        ("OUTPUT2", "Old GST", "DELETED"),
    ]:
        ReferenceRecordFactory.create(
            connection=connection, kind="tax_rates", code=code, name=name, status=status
        )
    options = [{"Name": "Sydney", "Status": "ACTIVE"}, {"Name": "Perth", "Status": "ARCHIVED"}]
    for name in ["Region", "Channel"]:
        ReferenceRecordFactory.create(
            connection=connection,
            kind="tracking_categories",
            code=name,
            name=name,
            data={"Name": name, "Status": "ACTIVE", "Options": options},
        )
    ReferenceRecordFactory.create(
        connection=connection,
        kind="tracking_categories",
        code="Legacy",
        name="Legacy",
        status="ARCHIVED",
        data={"Name": "Legacy", "Status": "ARCHIVED", "Options": options},
    )
    for name, status in [("POS Sales", "ACTIVE"), ("Gone Customer", "ARCHIVED")]:
        ReferenceRecordFactory.create(
            connection=connection, kind="contacts", code="", name=name, status=status
        )
    for kind in ["accounts", "tax_rates", "tracking_categories", "contacts", "organisation"]:
        ReferenceSnapshot.objects.create(
            connection=connection, kind=kind, refreshed_at=timezone.now()
        )
