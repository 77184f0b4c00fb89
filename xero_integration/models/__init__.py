from .connection import ConnectionStatus, DailyCallLimit, OAuthState, XeroConnection
from .exports import (
    AttemptOutcome,
    DocumentKind,
    ErrorSource,
    ExportAttempt,
    ExportBatch,
    ExportDocument,
    ExportStatus,
    XeroChange,
    XeroChangeDecision,
)
from .logs import SyncLog
from .ratelimit import XeroCallSlot, XeroTenantLimit
from .reconciliation import DayStatus, ReconciliationDay
from .reference import ReferenceKind, ReferenceRecord, ReferenceSnapshot
from .sales import LaterPayment, Sale, SaleKey, SaleType

__all__ = [
    "AttemptOutcome",
    "ExportAttempt",
    "ConnectionStatus",
    "DailyCallLimit",
    "DayStatus",
    "DocumentKind",
    "ErrorSource",
    "ExportBatch",
    "ExportDocument",
    "ExportStatus",
    "OAuthState",
    "ReconciliationDay",
    "ReferenceKind",
    "ReferenceRecord",
    "ReferenceSnapshot",
    "LaterPayment",
    "Sale",
    "SaleKey",
    "SaleType",
    "SyncLog",
    "XeroCallSlot",
    "XeroChange",
    "XeroChangeDecision",
    "XeroConnection",
    "XeroTenantLimit",
]
