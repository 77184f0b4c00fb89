"""Operational admin for Xero: connections, exports and their sales, call logs, reference data.

Rows here are written by the integration; staff look, and act only through actions that
call the services (replay, resolve, disconnect, make default). Tokens are never shown:
no form, column or read-only field names them.
"""

from . import connections, exports, logs, merchants  # noqa: F401  (importing registers the admins)
