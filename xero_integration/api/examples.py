"""Request and response examples for every endpoint, shown in /api/docs/ and ReDoc.

They are hand-written for a person to read, and kept true by a test that validates each
against the schema of what it illustrates (tests/xero_integration/api/test_openapi_schema.py).
"""

from typing import Any

from drf_spectacular.utils import OpenApiExample

from .schema_sales import SALES_EXAMPLE

MERCHANT = "M1"
AT = "2026-11-23T10:15:00Z"
TENANT = "36b46a24-61f5-4714-8742-0dc1f939f568"


def request(name: str, value: Any) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True)


def response(name: str, value: Any, status: int = 200) -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True, status_codes=[str(status)])


MERCHANT_ANSWER = response(
    "A merchant",
    {
        "merchant_id": MERCHANT,
        "name": "Harbour Cafe",
        "currency": "AUD",
        "amounts_include_tax": True,
        "outlets": [
            {
                "pos_station_id": "S1",
                "name": "Front counter",
                "timezone": "Australia/Sydney",
                "is_active": True,
            }
        ],
    },
)

CONNECT_ANSWER = response(
    "The URL to open",
    {
        "authorize_url": "https://login.xero.com/identity/connect/authorize?response_type=code"
        "&client_id=YOUR-CLIENT-ID&redirect_uri=https%3A%2F%2Fxero-bridge.example.com%2Fxero"
        "%2Fcallback&scope=offline_access+openid+accounting.invoices&state=3kY0…"
    },
)

SCOPE_REQUEST = request("The merchant's default organisation", {"merchant_id": MERCHANT})

DISCONNECT_ANSWER = response(
    "Disconnected",
    {
        "tenant_id": TENANT,
        "tenant_name": "Harbour Cafe Pty Ltd",
        "status": "disconnected",
        "xero_notified": True,
        "problems": [],
    },
)

STATUS_ANSWER = response(
    "An outlet that can export",
    {
        "merchant_id": MERCHANT,
        "pos_station_id": "S1",
        "can_export": True,
        "reasons": [],
        "connection": {
            "status": "active",
            "status_reason": "",
            "tenant_id": TENANT,
            "tenant_name": "Harbour Cafe Pty Ltd",
            "access_token_expires_at": "2026-11-23T10:40:00Z",
            "refresh_token_expires_at": "2027-01-22T10:10:00Z",
            "last_refreshed_at": "2026-11-23T10:10:00Z",
            "export_running_since": "2026-11-23T10:14:58Z",
            "export_claim_stale_since": None,
            "stale_claim_recovered_at": None,
            "daily_call_limit": 5000,
            "calls_last_24h": 212,
        },
        "last_successful_sync_at": AT,
        "last_failed_sync_at": None,
        "exported_sales": 412,
        "pending_sales": 3,
        "pending_exports": 1,
        "failed_exports": 0,
        "waiting_exports": 0,
        "missing_mappings": [],
        "invalid_mappings": [],
        "unmapped_keys": [
            {
                "type": "payments",
                "key": "eftpos",
                "sales": 4,
                "reason": "No Xero account is mapped for payment method 'eftpos'.",
            }
        ],
        "warnings": [
            {
                "kind": "lock_date",
                "detail": "Xero's books are locked up to 2026-10-31, and 2 day(s) of this "
                "outlet's sales from 2026-11-02 are not in Xero yet: export them before the "
                "lock moves past them, or they will be held for a person.",
            }
        ],
    },
)
STATUS_WAITING = response(
    "An outlet that waits, and why",
    {
        "merchant_id": MERCHANT,
        "pos_station_id": "S1",
        "can_export": False,
        "reasons": ["Some mappings are missing."],
        "connection": None,
        "last_successful_sync_at": None,
        "last_failed_sync_at": None,
        "exported_sales": 0,
        "pending_sales": 12,
        "pending_exports": 0,
        "failed_exports": 0,
        "waiting_exports": 0,
        "missing_mappings": [
            {"type": "special", "key": "rounding", "reason": "No rounding account."}
        ],
        "invalid_mappings": [],
        "unmapped_keys": [],
        "warnings": [],
    },
)
SALE_SENT = response(
    "A sale Xero has",
    {
        "sale_id": "S1-000123",
        "pos_station_id": "S1",
        "type": "sale",
        "total": "9.98",
        "currency": "AUD",
        "business_date": "2026-11-23",
        "state": "sent",
        "reasons": [],
        "reason_source": None,
        "document": {
            "number": "POSS1-S1-000123",
            "kind": "invoice",
            "status": "sent",
            "payments_status": "sent",
            "sent_at": AT,
            "xero_id": "0f2d6c4e-7b1a-4c36-9a8e-2f5d1c9b7e10",
            "xero_url": "https://go.xero.com/organisationlogin/default.aspx?shortcode=%2136b46"
            "&redirecturl=%2FAccountsReceivable%2FView.aspx%3FInvoiceID%3D0f2d6c4e-7b1a-4c36-"
            "9a8e-2f5d1c9b7e10",
        },
    },
)
SALE_WAITING = response(
    "A sale that waits for a mapping",
    {
        "sale_id": "S1-000124",
        "pos_station_id": "S1",
        "type": "sale",
        "total": "12.50",
        "currency": "AUD",
        "business_date": "2026-11-23",
        "state": "waiting",
        "reasons": ["No Xero account is mapped for payment method 'eftpos'."],
        "reason_source": "ours",
        "document": None,
    },
)

REVENUE_ITEMS = [
    {"category": "*", "account_code": "200"},
    {"category": "coffee", "account_code": "210"},
]
MAPPINGS_REQUEST = request(
    "Revenue accounts for the merchant", {"merchant_id": MERCHANT, "mappings": REVENUE_ITEMS}
)
MAPPINGS_ANSWER = response(
    "Revenue mappings at an outlet",
    {
        "type": "revenue",
        "merchant_id": MERCHANT,
        "pos_station_id": "S1",
        "mappings": [{"category": "coffee", "account_code": "220"}],
        "effective": [
            {"category": "*", "account_code": "200"},
            {"category": "coffee", "account_code": "220"},
        ],
    },
)
MAPPINGS_PUT_ANSWER = response(
    "Saved at the merchant's level",
    {"type": "revenue", "merchant_id": MERCHANT, "pos_station_id": None, "mappings": REVENUE_ITEMS},
)

REFRESH_ANSWER = response(
    "Queued",
    {
        "task_id": "b8a1d2e4c3f94e0a9d1c2b3a4f5e6d7c",
        "tenant_name": "Harbour Cafe Pty Ltd",
        "already_queued": False,
    },
    status=202,
)
REFERENCE_ANSWER = response(
    "Accounts",
    {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "xero_id": "0d3b5f7e-2c4a-4a8e-9f1b-6c7d8e9fa0b1",
                "code": "200",
                "name": "Sales",
                "status": "ACTIVE",
                "data": {"Code": "200", "Name": "Sales", "Type": "REVENUE", "Status": "ACTIVE"},
            }
        ],
        "kind": "accounts",
        "refreshed_at": AT,
    },
)

SALES_REQUEST = request("A sale", SALES_EXAMPLE)
LATER_PAYMENT_REQUEST = request(
    "A layby instalment paid by card",
    {
        "merchant_id": MERCHANT,
        "payment_id": "P-7781",
        "method": "card",
        "amount": "20.00",
        "paid_at": "2026-11-30T10:15:00+11:00",
    },
)
LATER_PAYMENT_ANSWER = response(
    "Registered; 15.00 still owed",
    {"sale_id": "S1-000123", "payment_id": "P-7781", "status": "accepted", "owed": "15.00"},
    status=201,
)
LATER_PAYMENT_DUPLICATE = response(
    "The same payment again: nothing changed",
    {"sale_id": "S1-000123", "payment_id": "P-7781", "status": "duplicate", "owed": "15.00"},
)
SALES_ANSWER = response(
    "One accepted, one rejected",
    {
        "accepted": 1,
        "duplicate": 0,
        "conflict": 0,
        "rejected": 1,
        "results": [
            {"id": "S1-000123", "status": "accepted", "errors": {}},
            {
                "id": "S1-000124",
                "status": "rejected",
                "errors": {
                    "lines[0].unit_price": [
                        'Must be a decimal string such as "4.50", not a number.'
                    ]
                },
            },
        ],
    },
)

SYNC_REQUEST = request(
    "Export an outlet now, with its failed exports",
    {"merchant_id": MERCHANT, "pos_station_id": "S1", "retry_failed": True},
)
SYNC_ANSWER = response(
    "Queued",
    {
        "queued": [
            {
                "pos_station_id": "S1",
                "task_id": "5f0c7e1a9b2d4c3e8f6a1b0c9d8e7f6a",
                "unplanned_sales": 4,
                "pending_documents": 1,
            }
        ],
        "waiting": [],
    },
    status=202,
)

LOGS_ANSWER = response(
    "A failed call",
    {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": 812,
                "created_at": AT,
                "operation": "create_invoices",
                "pos_station_id": "S1",
                "documents": ["POSS1-S1-000123"],
                "status": "partial",
                "http_status": 200,
                "message": "POSS1-S1-000123: The document date cannot be before the period "
                "lock date (2026-10-31).",
                "attempt": 1,
                "duration_ms": 412,
                "correlation_id": "9c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f",
            }
        ],
    },
)

EXPORT_SETTINGS = {
    "frequency": "daily",
    "grouping": "daily_summary",
    "daily_at": "02:00",
    "business_day_start_hour": 4,
    "number_prefix": "POSS1",
    "enabled": True,
    "lock_date_policy": "hold",
}
EXPORT_SETTINGS_ANSWER = response("Daily summaries", EXPORT_SETTINGS)
EXPORT_SETTINGS_REQUEST = request(
    "Export each sale in real time",
    # merchant_id and pos_station_id go in the query string.
    {"frequency": "realtime", "grouping": "per_sale"},
)
EXPORT_SETTINGS_PUT_ANSWER = response(
    "Each sale in real time", {**EXPORT_SETTINGS, "frequency": "realtime", "grouping": "per_sale"}
)


RECONCILIATION_ANSWER = response(
    "A day voided in Xero beside a matching one",
    {
        "merchant_id": MERCHANT,
        "pos_station_id": "S1",
        "state": "done",
        "task_id": None,
        "days": [
            {
                "business_date": "2026-11-23",
                "status": "red",
                "pos": {
                    "sales": "18.00",
                    "refunds": "0.00",
                    "net": "18.00",
                    "tax": "1.64",
                    "paid": "18.00",
                    "tips": "0.00",
                    "surcharges": "0.00",
                    "rounding": "0.00",
                    "payments": {"card": "18.00"},
                },
                "xero": {
                    "sales": "9.00",
                    "refunds": "0.00",
                    "net": "9.00",
                    "tax": "0.82",
                    "paid": "9.00",
                },
                "difference": {
                    "sales": "-9.00",
                    "refunds": "0.00",
                    "net": "-9.00",
                    "tax": "-0.82",
                    "paid": "-9.00",
                },
                "flags": [
                    {
                        "severity": "red",
                        "flag": "voided",
                        "number": "POSS1-1001",
                        "detail": "POSS1-1001: Voided in Xero. Re-export it under a new "
                        "number, or accept it.",
                    }
                ],
                "documents": [
                    {
                        "number": "POSS1-1001",
                        "kind": "invoice",
                        "status": "sent",
                        "total": "9.00",
                        "xero_status": "VOIDED",
                        "xero_total": "9.00",
                        "xero_paid": "0.00",
                        "change": "voided",
                        "decision": None,
                        "replaced_by": None,
                    },
                    {
                        "number": "POSS1-1002",
                        "kind": "invoice",
                        "status": "sent",
                        "total": "9.00",
                        "xero_status": "PAID",
                        "xero_total": "9.00",
                        "xero_paid": "9.00",
                        "change": None,
                        "decision": None,
                        "replaced_by": None,
                    },
                ],
                "checked_at": AT,
            }
        ],
    },
)


BACKFILL_REQUEST = request(
    "A dry run of a week",
    {
        "merchant_id": MERCHANT,
        "pos_station_id": "S1",
        "from": "2026-11-17",
        "to": "2026-11-23",
        "dry_run": True,
    },
)
BACKFILL_ANSWER = response(
    "Two days to send, one already in Xero",
    {
        "merchant_id": MERCHANT,
        "pos_station_id": "S1",
        "dry_run": True,
        "days": ["2026-11-19", "2026-11-21"],
        "to_send": [
            {
                "business_date": "2026-11-19",
                "number": "POSS1-20261119-AUD",
                "kind": "invoice",
                "total": "412.60",
                "reason": "not_exported",
                "sales": 37,
                "lock_date": "dated 2026-11-19; posted on 2026-11-20, the first date Xero's "
                "lock leaves open",
            },
            {
                "business_date": "2026-11-21",
                "number": "POSS1-20261121-AUD-R1",
                "kind": "invoice",
                "total": "388.20",
                "reason": "voided",
                "sales": 31,
                "lock_date": "",
            },
        ],
        "skipped": [
            {
                "business_date": "2026-11-18",
                "number": "POSS1-20261118-AUD",
                "kind": "invoice",
                "total": "297.45",
                "reason": "not_exported",
                "sales": 25,
                "lock_date": "",
            }
        ],
    },
)
DECISION_REQUEST = request(
    "Re-export a voided invoice",
    {
        "merchant_id": MERCHANT,
        "pos_station_id": "S1",
        "number": "POSS1-1001",
        "decision": "reexport",
    },
)
DECISION_ANSWER = response(
    "Re-exported under a new number",
    {"number": "POSS1-1001", "decision": "reexport", "replacement_number": "POSS1-1001-R1"},
)
