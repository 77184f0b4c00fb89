"""The one place that knows Xero's HTTP (STYLE.md §2).

Layers, each importing only those before it:
- errors.py:     XeroError (kind transient/permanent/auth/config, error_code) and parse_error
- calllog.py:    the SyncLog row of every attempt, secrets stripped
- ratelimit.py:  per-tenant concurrent/minute/day limits shared through the database
- transport.py:  send(): headers, timeout, rate-limit slot, retries, SyncLog row
- identity.py:   OAuth and /connections calls, built with oauthlib, sent with send()
- tokens.py:     a fresh access token for a connection; refreshes serialised per grant
- accounting.py: one function per Accounting API operation
"""

from .errors import XeroError

__all__ = ["XeroError"]
