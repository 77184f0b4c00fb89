"""Early warnings: trouble that is coming, shown before it stops an export.

Each is a kind and a sentence a person can act on; the status endpoint lists them and
the operations app alerts on them (operations/problems.py).
"""

from dataclasses import dataclass

from outlets.models import Outlet

from ..models import XeroConnection
from .lock_dates import lock_date_warning

LOCK_DATE = "lock_date"


@dataclass(frozen=True)
class Warning:
    kind: str
    detail: str


def outlet_warnings(outlet: Outlet | None, connection: XeroConnection | None) -> list[Warning]:
    """What will soon stop this outlet's exports (or make them land where nobody expects)."""
    if outlet is None:
        return []
    warnings = []
    lock = lock_date_warning(outlet, connection)
    if lock:
        warnings.append(Warning(LOCK_DATE, lock))
    return warnings
