"""A problem as found now, before it is compared with the open rows (alerts.py)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Found:
    key: str
    kind: str
    merchant_id: int
    outlet_id: int | None
    detail: str
