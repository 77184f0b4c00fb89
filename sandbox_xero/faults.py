"""Queued misbehaviour: the next N matching API calls fail in a chosen way, or a share of them.

A fault with `count` serves that many matching calls and is gone. A fault with `rate`
(0 < rate <= 1) serves that share of matching calls until it is cleared, drawn from its
own random generator seeded by `seed`, so a fault run can be repeated call for call.
`served_counts` counts every fault served by kind, for a run's figures.
"""

import collections
import random
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
    rate = _rate(spec.get("rate"))
    count = spec.get("count", 1)
    if rate is None and (not isinstance(count, int) or count < 1):
        raise FaultError("count must be a positive integer")
    seed = spec.get("seed", 0)
    if not isinstance(seed, int):
        raise FaultError("seed must be an integer")
    status = spec.get("status", 503 if kind == "server_error" else 429)
    default_delay = 30 if kind == "timeout" else 1
    return {
        "kind": kind,
        # None: served at `rate` until cleared.
        "remaining": None if rate is not None else count,
        "rate": rate,
        "seed": seed,
        "status": int(status),
        "delay": float(spec.get("delay", default_delay)),
        "retry_after": int(spec.get("retry_after", 1)),
        "path_contains": spec.get("path_contains") or "",
        "method": (spec.get("method") or "").upper(),
        "tenant_id": spec.get("tenant_id"),
    }


def _rate(value: object) -> float | None:
    if value is None:
        return None
    try:
        rate = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise FaultError("rate must be a number between 0 and 1") from None
    if not 0 < rate <= 1:
        raise FaultError("rate must be a number between 0 and 1")
    return rate


class FaultQueue:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.faults: list[JsonObject] = []
        self.served: list[dict[str, str]] = []
        self.served_counts: collections.Counter[str] = collections.Counter()
        # One generator per rate fault (by its position in `faults`' history), seeded by it.
        self.draws: dict[int, random.Random] = {}

    def add(self, spec: JsonObject) -> JsonObject:
        fault = parse_fault(spec)
        with self.lock:
            if fault["rate"] is not None:
                self.draws[id(fault)] = random.Random(fault["seed"])
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        with self.lock:
            self.faults = []
            self.served = []
            self.served_counts = collections.Counter()
            self.draws = {}

    def take(self, method: str, path: str, tenant_id: str) -> JsonObject | None:
        """Serve the first matching fault whose turn it is (count or rate), or return None."""
        with self.lock:
            for fault in self.faults:
                if _matches(fault, method, path, tenant_id) and self._fires(fault):
                    self.served.append({"kind": fault["kind"], "method": method, "path": path})
                    self.served_counts[fault["kind"]] += 1
                    return dict(fault)
        return None

    def _fires(self, fault: JsonObject) -> bool:
        if fault["rate"] is not None:
            return self.draws[id(fault)].random() < fault["rate"]
        fault["remaining"] -= 1
        if fault["remaining"] == 0:
            self.faults.remove(fault)
        return True

    def snapshot(self) -> dict[str, object]:
        with self.lock:
            return {
                "queued": [dict(f) for f in self.faults],
                "served": list(self.served),
                "served_counts": dict(self.served_counts),
            }


def _matches(fault: JsonObject, method: str, path: str, tenant_id: str) -> bool:
    if fault["path_contains"] and fault["path_contains"] not in path:
        return False
    if fault["method"] and fault["method"] != method:
        return False
    return not fault["tenant_id"] or fault["tenant_id"] == tenant_id
