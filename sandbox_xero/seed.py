"""Demo organisation data: a typical Australian chart of accounts, GST rates, tracking, contacts."""

import uuid
from decimal import Decimal

from . import wire
from .wire import JsonObject

# (code, name, type, tax type, extra fields). Codes follow Xero's default AU demo chart.
ACCOUNTS: list[tuple[str, str, str, str, JsonObject]] = [
    ("090", "Business Bank Account", "BANK", "BASEXCLUDED", {"BankAccountType": "BANK"}),
    ("091", "Business Savings Account", "BANK", "BASEXCLUDED", {"BankAccountType": "BANK"}),
    ("200", "Sales", "REVENUE", "OUTPUT", {}),
    ("250", "Old Sales", "REVENUE", "OUTPUT", {"Status": "ARCHIVED"}),
    ("260", "Other Revenue", "OTHERINCOME", "OUTPUT", {}),
    ("270", "Interest Income", "OTHERINCOME", "EXEMPTOUTPUT", {}),
    ("310", "Cost of Goods Sold", "DIRECTCOSTS", "INPUT", {}),
    ("400", "Advertising", "EXPENSE", "INPUT", {}),
    ("404", "Bank Fees", "EXPENSE", "EXEMPTEXPENSES", {}),
    ("610", "Accounts Receivable", "CURRENT", "BASEXCLUDED", {"SystemAccount": "DEBTORS"}),
    ("615", "Card Clearing", "CURRENT", "BASEXCLUDED", {"EnablePaymentsToAccount": True}),
    ("800", "Accounts Payable", "CURRLIAB", "BASEXCLUDED", {"SystemAccount": "CREDITORS"}),
    ("820", "GST", "CURRLIAB", "BASEXCLUDED", {"SystemAccount": "GST"}),
    ("835", "Gift Card Liability", "CURRLIAB", "BASEXCLUDED", {}),
    ("860", "Rounding", "CURRLIAB", "BASEXCLUDED", {"SystemAccount": "ROUNDING"}),
    ("877", "Tracking Transfers", "EQUITY", "BASEXCLUDED", {}),
    ("880", "Owner A Drawings", "EQUITY", "BASEXCLUDED", {}),
]

ACCOUNT_CLASS = {
    "BANK": "ASSET",
    "CURRENT": "ASSET",
    "REVENUE": "REVENUE",
    "OTHERINCOME": "REVENUE",
    "DIRECTCOSTS": "EXPENSE",
    "EXPENSE": "EXPENSE",
    "CURRLIAB": "LIABILITY",
    "EQUITY": "EQUITY",
}

# The account classes a tax rate may be used on (its CanApplyTo* flags). Modelled on the spec's
# GET /TaxRates example (NZ rates): "GST on Income" everything but expenses, "GST on Expenses"
# everything but revenue, "Zero Rated" (income) only revenue and liabilities, "No GST"
# everything. The AU rates below take the flags of their NZ counterpart.
INCOME = ("ASSET", "EQUITY", "LIABILITY", "REVENUE")
EXPENSES = ("ASSET", "EQUITY", "EXPENSE", "LIABILITY")
ZERO_RATED_INCOME = ("LIABILITY", "REVENUE")
ANY_CLASS = ("ASSET", "EQUITY", "EXPENSE", "LIABILITY", "REVENUE")
CAN_APPLY_TO = {
    "ASSET": "CanApplyToAssets",
    "EQUITY": "CanApplyToEquity",
    "EXPENSE": "CanApplyToExpenses",
    "LIABILITY": "CanApplyToLiabilities",
    "REVENUE": "CanApplyToRevenue",
}

# (tax type, name, rate %, status, report tax type, account classes it may be used on)
TAX_RATES = [
    ("OUTPUT", "GST on Income", "10", "ACTIVE", "OUTPUT", INCOME),
    ("INPUT", "GST on Expenses", "10", "ACTIVE", "INPUT", EXPENSES),
    ("EXEMPTOUTPUT", "GST Free Income", "0", "ACTIVE", "OUTPUT", ZERO_RATED_INCOME),
    ("EXEMPTEXPENSES", "GST Free Expenses", "0", "ACTIVE", "INPUT", EXPENSES),
    ("BASEXCLUDED", "BAS Excluded", "0", "ACTIVE", "BASEXCLUDED", ANY_CLASS),
    ("INPUTTAXED", "Input Taxed", "0", "ACTIVE", "INPUT", ANY_CLASS),
    ("OUTPUT2", "Old GST on Income (deleted)", "10", "DELETED", "OUTPUT", INCOME),
]

TRACKING = [
    (
        "Region",
        [
            ("Sydney", "ACTIVE"),
            ("Melbourne", "ACTIVE"),
            ("Brisbane", "ACTIVE"),
            ("Perth", "ARCHIVED"),
        ],
    ),
    ("Channel", [("In-store", "ACTIVE"), ("Online", "ACTIVE")]),
]

FIXED_CONTACTS = ["POS Sales", "Walk-in Customer"]
GENERATED_CONTACTS = 150
ARCHIVED_CONTACTS = 3


def new_id() -> str:
    return str(uuid.uuid4())


def organisation(tenant_id: str, name: str) -> JsonObject:
    return {
        "OrganisationID": tenant_id,
        "Name": name,
        "LegalName": name,
        "PaysTax": True,
        "Version": "AU",
        "OrganisationType": "COMPANY",
        "BaseCurrency": "AUD",
        "CountryCode": "AU",
        "IsDemoCompany": True,
        "OrganisationStatus": "ACTIVE",
        "FinancialYearEndDay": 30,
        "FinancialYearEndMonth": 6,
        "SalesTaxBasis": "ACCRUALS",
        "SalesTaxPeriod": "QUARTERLY1",
        "DefaultSalesTax": "Tax Inclusive",
        "DefaultPurchasesTax": "Tax Inclusive",
        "Timezone": "AUSEASTERNSTANDARDTIME",
        "OrganisationEntityType": "COMPANY",
        "ShortCode": "!" + tenant_id[:5],
        "Class": "DEMO",
        "Edition": "BUSINESS",
        "CreatedDateUTC": wire.ms_date(wire.now_ms()),
    }


def account(
    code: str, name: str, kind: str, tax_type: str, extra: JsonObject, stamp: int
) -> JsonObject:
    row: JsonObject = {
        "AccountID": new_id(),
        "Code": code,
        "Name": name,
        "Type": kind,
        "Status": "ACTIVE",
        "TaxType": tax_type,
        "Class": ACCOUNT_CLASS[kind],
        "EnablePaymentsToAccount": False,
        "ShowInExpenseClaims": False,
        "CurrencyCode": "AUD",
        "UpdatedDateUTC": stamp,
    }
    row.update(extra)
    return row


def tax_rate(
    tax_type: str,
    name: str,
    rate: str,
    status: str,
    report_type: str,
    classes: tuple[str, ...],
) -> JsonObject:
    percent = Decimal(rate).quantize(Decimal("0.0001"))
    return {
        "Name": name,
        "TaxType": tax_type,
        "Status": status,
        "ReportTaxType": report_type,
        "TaxComponents": [
            {"Name": "GST", "Rate": percent, "IsCompound": False, "IsNonRecoverable": False}
        ],
        **{flag: account_class in classes for account_class, flag in CAN_APPLY_TO.items()},
        "DisplayTaxRate": percent,
        "EffectiveRate": percent,
    }


def tracking_category(name: str, options: list[tuple[str, str]]) -> JsonObject:
    category_id = new_id()
    return {
        "TrackingCategoryID": category_id,
        "Name": name,
        "Status": "ACTIVE",
        "Options": [
            {
                "TrackingOptionID": new_id(),
                "Name": option,
                "Status": status,
                "TrackingCategoryID": category_id,
            }
            for option, status in options
        ],
    }


def contact(name: str, stamp: int, status: str = "ACTIVE", number: str | None = None) -> JsonObject:
    row: JsonObject = {
        "ContactID": new_id(),
        "Name": name,
        "ContactStatus": status,
        "IsCustomer": True,
        "IsSupplier": False,
        "UpdatedDateUTC": stamp,
    }
    if number:
        row["ContactNumber"] = number
        row["EmailAddress"] = f"{number.lower()}@example.com"
    return row


def contacts(stamp: int) -> list[JsonObject]:
    rows = [contact(name, stamp) for name in FIXED_CONTACTS]
    rows += [
        contact(f"Customer {n:03d}", stamp, number=f"CUST{n:03d}")
        for n in range(1, GENERATED_CONTACTS + 1)
    ]
    rows += [
        contact(f"Former Customer {n}", stamp, status="ARCHIVED")
        for n in range(1, ARCHIVED_CONTACTS + 1)
    ]
    return rows


def new_tenant(tenant_id: str, name: str) -> JsonObject:
    """One organisation's own copy of everything; seeded records share one modification time."""
    stamp = wire.now_ms() - 60_000
    return {
        "organisation": organisation(tenant_id, name),
        "accounts": [account(*row, stamp) for row in ACCOUNTS],
        "tax_rates": [tax_rate(*row) for row in TAX_RATES],
        "tracking": [tracking_category(name, options) for name, options in TRACKING],
        "contacts": contacts(stamp),
        "invoices": [],
        "credit_notes": [],
        "payments": [],
        "sequences": {"invoices": 0, "credit_notes": 0},
    }
