"""Xero's per-tenant rate limits (concurrent, minute, day), enforced and measured.

Xero: 5 in progress, 60 per minute, 5,000 per day per tenant; 429 with X-Rate-Limit-Problem and,
for minute/day, Retry-After (developer.xero.com/documentation/oauth2/limits). The sandbox uses
rolling windows, which are never laxer than Xero's fixed ones, so "max calls in any window seen"
can be compared with the limit directly.
"""

import math
import threading
import time
from collections import deque
from typing import Any


class TenantCounters:
    def __init__(self) -> None:
        self.in_progress = 0
        self.max_concurrent = 0
        self.minute_calls: deque[float] = deque()
        self.day_calls: deque[float] = deque()
        self.max_per_minute = 0
        self.calls = 0
        self.rejections: list[dict[str, Any]] = []

    def as_dict(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "in_progress": self.in_progress,
            "max_concurrent": self.max_concurrent,
            "max_per_minute": self.max_per_minute,
            "rate_limited_count": len(self.rejections),
            "rate_limited": list(self.rejections),
        }


class Limited(Exception):
    def __init__(self, problem: str, retry_after: int | None = None):
        super().__init__(problem)
        self.problem = problem
        self.retry_after = retry_after


class RateLimiter:
    def __init__(self, config: dict[str, Any]):
        # `config` is the live sandbox config dict, so /_sandbox/config changes apply at once.
        self.config = config
        self.lock = threading.Lock()
        self.tenants: dict[str, TenantCounters] = {}
        self.app_calls: deque[float] = deque()

    def reset(self, config: dict[str, Any]) -> None:
        with self.lock:
            self.config = config
            self.tenants = {}
            self.app_calls = deque()

    def acquire(self, tenant_id: str, path: str) -> dict[str, int]:
        """Admit one call or raise Limited; an admitted call must be released."""
        now = time.monotonic()
        with self.lock:
            counters = self.tenants.setdefault(tenant_id, TenantCounters())
            try:
                self._check(counters, now)
            except Limited as limited:
                counters.rejections.append(
                    {"problem": limited.problem, "path": path, "at": time.time()}
                )
                raise
            self._admit(counters, now)
            return self._remaining(counters)

    def release(self, tenant_id: str) -> None:
        with self.lock:
            self.tenants[tenant_id].in_progress -= 1

    def _check(self, counters: TenantCounters, now: float) -> None:
        cfg = self.config
        _expire(counters.minute_calls, now - cfg["minute_window_seconds"])
        _expire(counters.day_calls, now - cfg["day_window_seconds"])
        _expire(self.app_calls, now - cfg["minute_window_seconds"])
        if counters.in_progress >= cfg["concurrent_limit"]:
            raise Limited("concurrent")
        if len(counters.day_calls) >= cfg["day_limit"]:
            raise Limited("day", _wait(counters.day_calls, cfg["day_window_seconds"], now))
        if len(counters.minute_calls) >= cfg["minute_limit"]:
            raise Limited("minute", _wait(counters.minute_calls, cfg["minute_window_seconds"], now))
        if len(self.app_calls) >= cfg["app_minute_limit"]:
            raise Limited("appminute", _wait(self.app_calls, cfg["minute_window_seconds"], now))

    def _admit(self, counters: TenantCounters, now: float) -> None:
        counters.in_progress += 1
        counters.calls += 1
        counters.max_concurrent = max(counters.max_concurrent, counters.in_progress)
        counters.minute_calls.append(now)
        counters.day_calls.append(now)
        self.app_calls.append(now)
        counters.max_per_minute = max(counters.max_per_minute, len(counters.minute_calls))

    def _remaining(self, counters: TenantCounters) -> dict[str, int]:
        cfg = self.config
        return {
            "X-DayLimit-Remaining": cfg["day_limit"] - len(counters.day_calls),
            "X-MinLimit-Remaining": cfg["minute_limit"] - len(counters.minute_calls),
            "X-AppMinLimit-Remaining": cfg["app_minute_limit"] - len(self.app_calls),
        }

    def remaining(self, tenant_id: str) -> dict[str, int]:
        with self.lock:
            return self._remaining(self.tenants.setdefault(tenant_id, TenantCounters()))

    def app_remaining(self) -> dict[str, int]:
        with self.lock:
            _expire(self.app_calls, time.monotonic() - self.config["minute_window_seconds"])
            return {
                "X-AppMinLimit-Remaining": self.config["app_minute_limit"] - len(self.app_calls)
            }

    def stats(self) -> dict[str, dict[str, Any]]:
        with self.lock:
            return {tenant_id: c.as_dict() for tenant_id, c in self.tenants.items()}


def _expire(calls: deque[float], cutoff: float) -> None:
    while calls and calls[0] <= cutoff:
        calls.popleft()


def _wait(calls: deque[float], window: float, now: float) -> int:
    """Whole seconds until the oldest call in the window drops out (at least 1)."""
    return max(1, math.ceil(calls[0] + window - now))
