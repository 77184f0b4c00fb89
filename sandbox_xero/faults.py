"""Queued misbehaviour: the next N matching API calls fail in a chosen way."""

import threading

from .wire import JsonObject

KINDS = {"rate_limit", "server_error", "slow", "drop_after_store", "timeout"}
# Kinds that let the request be processed (and stored) before misbehaving.
AFTER_STORE = {"drop_after_store", "timeout"}


class FaultError(ValueError):
    pass


def parse_fault(spec: JsonObject) -> JsonObject:
    """Validate a POST /_sandbox/faults body into a fault record."""
    kind = spec.get("kind")
    if kind not in KINDS:
        raise FaultError(f"kind must be one of {sorted(KINDS)}")
    count = spec.get("count", 1)
    if not isinstance(count, int) or count < 1:
        raise FaultError("count must be a positive integer")
    status = spec.get("status", 503 if kind == "server_error" else 429)
    default_delay = 30 if kind == "timeout" else 1
    return {
        "kind": kind,
        "remaining": count,
        "status": int(status),
        "delay": float(spec.get("delay", default_delay)),
        "retry_after": int(spec.get("retry_after", 1)),
        "path_contains": spec.get("path_contains") or "",
        "method": (spec.get("method") or "").upper(),
        "tenant_id": spec.get("tenant_id"),
    }


class FaultQueue:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.faults: list[JsonObject] = []
        self.served: list[dict[str, str]] = []

    def add(self, spec: JsonObject) -> JsonObject:
        fault = parse_fault(spec)
        with self.lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        with self.lock:
            self.faults = []
            self.served = []

    def take(self, method: str, path: str, tenant_id: str) -> JsonObject | None:
        """Consume one use of the first fault matching this call, or return None."""
        with self.lock:
            for fault in self.faults:
                if _matches(fault, method, path, tenant_id):
                    fault["remaining"] -= 1
                    if fault["remaining"] == 0:
                        self.faults.remove(fault)
                    self.served.append({"kind": fault["kind"], "method": method, "path": path})
                    return dict(fault)
        return None

    def snapshot(self) -> dict[str, list]:
        with self.lock:
            return {"queued": [dict(f) for f in self.faults], "served": list(self.served)}


def _matches(fault: JsonObject, method: str, path: str, tenant_id: str) -> bool:
    if fault["path_contains"] and fault["path_contains"] not in path:
        return False
    if fault["method"] and fault["method"] != method:
        return False
    return not fault["tenant_id"] or fault["tenant_id"] == tenant_id
