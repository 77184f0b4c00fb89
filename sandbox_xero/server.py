"""HTTP plumbing: parse requests, route them, write replies; make_server and running_sandbox."""

import contextlib
import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import control, gateway, oauth
from .faults import FaultQueue
from .idempotency import IdempotencyCache
from .limits import RateLimiter
from .reply import Reply, not_found, server_error
from .state import SandboxState

log = logging.getLogger("sandbox_xero")

DEFAULT_CLIENT_ID = "sandbox-client-id"
DEFAULT_CLIENT_SECRET = "sandbox-client-secret"
API_PREFIX = "/api.xro/2.0"
# xero-identity.yaml spells it /Connections; Xero's auth-flow page (notes §1) /connections.
CONNECTIONS_PATHS = ("/Connections", "/connections")


@dataclass
class Request:
    method: str
    path: str  # without the query string
    raw_path: str  # path and query, as sent
    query: dict[str, str]  # first value of each parameter
    headers: Message  # case-insensitive
    body: bytes

    def form(self) -> dict[str, str]:
        return _first_values(self.body.decode("utf-8", "replace"))


def _first_values(text: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}


def route(server: "SandboxServer", request: Request) -> Reply:
    path, method = request.path, request.method
    if path.startswith("/_sandbox/"):
        return control.handle(server, request)
    if path.startswith(API_PREFIX + "/"):
        request.path = path[len(API_PREFIX) :]
        return gateway.api_call(server, request)
    if path == "/identity/connect/authorize" and method == "GET":
        return oauth.authorize(server.state, request.query)
    if path == "/identity/connect/token" and method == "POST":
        return oauth.token(server.state, request.headers, request.form())
    if path == "/identity/connect/revocation" and method == "POST":
        return oauth.revocation(server.state, request.headers, request.form())
    if path in CONNECTIONS_PATHS and method == "GET":
        return _tenantless(
            server, oauth.list_connections(server.state, request.headers, request.query)
        )
    connection_id = _connection_id(path)
    if connection_id and method == "DELETE":
        return _tenantless(
            server, oauth.delete_connection(server.state, request.headers, connection_id)
        )
    return not_found()


def _connection_id(path: str) -> str | None:
    """The {id} of /Connections/{id} (either spelling), or None for another path."""
    for prefix in CONNECTIONS_PATHS:
        if path.startswith(prefix + "/"):
            return path[len(prefix) + 1 :] or None
    return None


def _tenantless(server: "SandboxServer", reply: Reply) -> Reply:
    # Tenantless calls carry only the app-wide header (Xero staff, xero-ruby#128).
    reply.headers.update(server.limiter.app_remaining())
    return reply


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SandboxXero/1.0"
    server: "SandboxServer"  # the server that made this handler

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_GET

    def _dispatch(self) -> None:
        request = self._read_request()
        try:
            reply = route(self.server, request)
        except Exception:  # never a traceback to the client
            log.exception("sandbox error on %s %s", request.method, request.raw_path)
            reply = server_error(500)
        if not request.raw_path.startswith("/_sandbox/"):
            self.server.call_log.add(request, reply)
        if reply.drop_connection:
            self._drop()
        else:
            self._write(reply)

    def _read_request(self) -> Request:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        return Request(
            method=self.command,
            path=parts.path,
            raw_path=self.path,
            query=_first_values(parts.query),
            headers=self.headers,
            body=body,
        )

    def _write(self, reply: Reply) -> None:
        payload = reply.payload()
        self.send_response(reply.status)
        if payload:
            self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, str(value))
        self.end_headers()
        self.wfile.write(payload)

    def _drop(self) -> None:
        """Simulate a lost response: the work is done, but the client never hears back."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        *,
        client_id: str,
        client_secret: str,
        state_file: str | None = None,
        config: dict[str, Any] | None = None,
    ):
        super().__init__(address, Handler)
        self.state = SandboxState(
            client_id=client_id, client_secret=client_secret, config=config, state_file=state_file
        )
        self.limiter = RateLimiter(self.state.config)
        self.idempotency = IdempotencyCache(self.state.config)
        self.faults = FaultQueue()
        self.call_log = gateway.CallLog()
        self.stopping = threading.Event()  # wakes fault sleeps when the server stops

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        if isinstance(host, bytes):  # the stubs allow a bytes address; an IP bind gives str
            host = host.decode()
        return f"http://{host}:{port}"

    def reset(self) -> None:
        self.state.reset()
        self.limiter.reset(self.state.config)
        self.idempotency.reset(self.state.config)
        self.faults.clear()
        self.call_log.clear()

    def shutdown(self) -> None:
        self.stopping.set()
        super().shutdown()


def make_server(
    host: str = "127.0.0.1",
    port: int = 0,
    client_id: str = DEFAULT_CLIENT_ID,
    client_secret: str = DEFAULT_CLIENT_SECRET,
    *,
    state_file: str | None = None,
    config: dict[str, Any] | None = None,
) -> SandboxServer:
    """Bind (port 0 picks a free port) without serving yet; call serve_forever() to run."""
    return SandboxServer(
        (host, port),
        client_id=client_id,
        client_secret=client_secret,
        state_file=state_file,
        config=config,
    )


@contextlib.contextmanager
def running_sandbox(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    client_id: str = DEFAULT_CLIENT_ID,
    client_secret: str = DEFAULT_CLIENT_SECRET,
    state_file: str | None = None,
    **config: Any,
) -> Iterator[str]:
    """Serve in a background thread for the duration of the block; yields the base URL.

    Keyword arguments other than the ones named are config keys (see state.DEFAULT_CONFIG).
    """
    server = make_server(host, port, client_id, client_secret, state_file=state_file, config=config)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="sandbox-xero",
        daemon=True,
    )
    thread.start()
    try:
        yield server.base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
