"""A stand-in for Xero's identity and Accounting APIs, for development and end-to-end tests.

Pure standard library; never imports Django. See server.make_server and server.running_sandbox.
"""

from .server import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    SandboxServer,
    make_server,
    running_sandbox,
)

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "SandboxServer",
    "make_server",
    "running_sandbox",
]
