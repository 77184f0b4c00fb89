"""Operational admin for Xero: connections, exports and their sales, call logs, reference data.

Rows here are written by the integration; staff look, and act only through actions that
call the services (replay, resolve, disconnect, make default). Tokens are never shown:
no form, column or read-only field names them.
"""

# Importing registers the admins; tasks re-registers django-q2's task pages.
from . import connections, exports, logs, merchants, reconciliation, tasks  # noqa: F401
