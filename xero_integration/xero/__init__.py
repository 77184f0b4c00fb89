"""The one place that knows Xero's HTTP (STYLE.md §2).

- errors.py:     XeroError (kind transient/permanent/auth/config) and parse_error
- transport.py:  send(): headers, timeout, rate-limit slot, retries, SyncLog row
- ratelimit.py:  per-tenant concurrent/minute/day limits shared through the database
- accounting.py: one function per Accounting API operation
"""

from .errors import XeroError

__all__ = ["XeroError"]
