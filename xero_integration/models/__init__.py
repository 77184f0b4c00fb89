from .connection import ConnectionStatus, OAuthState, XeroConnection
from .logs import SyncLog
from .reference import ReferenceKind, ReferenceRecord, ReferenceSnapshot

__all__ = [
    "ConnectionStatus",
    "OAuthState",
    "ReferenceKind",
    "ReferenceRecord",
    "ReferenceSnapshot",
    "SyncLog",
    "XeroConnection",
]
