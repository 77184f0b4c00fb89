from .connection import ConnectionStatus, OAuthState, XeroConnection
from .exports import (
    AttemptOutcome,
    DocumentKind,
    ErrorSource,
    ExportAttempt,
    ExportBatch,
    ExportDocument,
    ExportStatus,
)
from .logs import SyncLog
from .ratelimit import XeroCallSlot, XeroTenantLimit
from .reference import ReferenceKind, ReferenceRecord, ReferenceSnapshot
from .sales import Sale, SaleKey, SaleType

__all__ = [
    "AttemptOutcome",
    "ExportAttempt",
    "ConnectionStatus",
    "DocumentKind",
    "ErrorSource",
    "ExportBatch",
    "ExportDocument",
    "ExportStatus",
    "OAuthState",
    "ReferenceKind",
    "ReferenceRecord",
    "ReferenceSnapshot",
    "Sale",
    "SaleKey",
    "SaleType",
    "SyncLog",
    "XeroCallSlot",
    "XeroConnection",
    "XeroTenantLimit",
]
