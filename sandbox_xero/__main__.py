"""python -m sandbox_xero --host 127.0.0.1 --port 8765 [--state-file PATH] [...]

Every config switch (state.DEFAULT_CONFIG) is a flag; --help describes each.
"""

import argparse
import logging
import sys

from .server import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, make_server
from .state import CONFIG_HELP, DEFAULT_CONFIG

LIMIT_FLAGS = (
    "minute_limit",
    "concurrent_limit",
    "day_limit",
    "orgs_per_authorisation",
    "idempotency_seconds",
    "access_token_seconds",
    "refresh_grace_seconds",
    "max_request_bytes",
    "max_elements_per_request",
)
# Choices Xero may make either way; each has --name and --no-name.
SWITCH_FLAGS = (
    "unique_numbers",
    "idempotency_caches_errors",
    "refuse_sub_cent_payments",
    "not_modified_304",
)

# Where changes made through the control API are announced (webhooks.py).
STRING_FLAGS = ("webhook_url", "webhook_key")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox_xero", description="Sandbox Xero (identity + Accounting API)."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--state-file", help="JSON snapshot, loaded on start, saved on each write")
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    parser.add_argument("--consent", action="store_true", help="show a consent page on authorise")
    parser.add_argument("--period-lock-date", default=DEFAULT_CONFIG["period_lock_date"])
    for name in LIMIT_FLAGS:
        parser.add_argument(_flag(name), type=int, default=DEFAULT_CONFIG[name], help=_help(name))
    for name in SWITCH_FLAGS:
        parser.add_argument(
            _flag(name),
            action=argparse.BooleanOptionalAction,
            default=DEFAULT_CONFIG[name],
            help=_help(name),
        )
    for name in STRING_FLAGS:
        parser.add_argument(_flag(name), default=DEFAULT_CONFIG[name], help=_help(name))
    parser.add_argument("--verbose", action="store_true")
    return parser.parse_args(argv)


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _help(name: str) -> str:
    # argparse formats help with %, so a literal percent sign would need doubling.
    text = CONFIG_HELP.get(name, "")
    return (text + " (default: %(default)s)").strip()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
    config = {name: getattr(args, name) for name in LIMIT_FLAGS + SWITCH_FLAGS + STRING_FLAGS}
    config.update(consent=args.consent, period_lock_date=args.period_lock_date)
    server = make_server(
        args.host,
        args.port,
        args.client_id,
        args.client_secret,
        state_file=args.state_file,
        config=config,
    )
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            "warning: /_sandbox/ control endpoints have no auth; bind to 127.0.0.1", file=sys.stderr
        )
    print(f"Sandbox Xero listening on {server.base_url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
