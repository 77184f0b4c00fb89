from .connection import ConnectionStatus, OAuthState, XeroConnection
from .exports import DocumentKind, ErrorSource, ExportBatch, ExportDocument, ExportStatus
from .logs import SyncLog
from .ratelimit import XeroCallSlot, XeroTenantLimit
from .reference import ReferenceKind, ReferenceRecord, ReferenceSnapshot
from .sales import LaterPayment, Sale, SaleKey, SaleType

__all__ = [
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
    "LaterPayment",
    "Sale",
    "SaleKey",
    "SaleType",
    "SyncLog",
    "XeroCallSlot",
    "XeroConnection",
    "XeroTenantLimit",
]
