"""python -m benchmarks [--quick] [--json PATH]: every figure, a table, and the figures as JSON.

PostgreSQL when DATABASE_URL points at it (the database is migrated and emptied first: give
it a throwaway one), else a new SQLite file in a temporary folder.
"""

import argparse
import datetime
import logging
import os
import platform
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import django

from .measure import Figure, table, write_json
from .processes import Gunicorn, Sandbox, descendants, environment, peak_rss_mb


@dataclass(frozen=True)
class Size:
    rounds: int
    ingest_sales: int  # per round and side
    export_sales: int  # per drained backlog
    read_seconds: float  # per round and side
    merchants: int  # scheduler: outlets are ten times this
    ratelimit_minute: int  # the sandbox's scaled-up limit, calls a minute
    ratelimit_seconds: float  # how long the steady state is measured


QUICK = Size(
    rounds=3,
    ingest_sales=600,
    export_sales=300,
    read_seconds=0.5,
    merchants=100,
    ratelimit_minute=120,
    ratelimit_seconds=20,
)
FULL = Size(
    rounds=5,
    ingest_sales=5000,
    export_sales=5000,
    read_seconds=4.0,
    merchants=1000,
    ratelimit_minute=120,
    ratelimit_seconds=180,
)


def database_url(run_dir: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    return f"sqlite:///{run_dir / 'bench.sqlite3'}"


def service_env(sandbox_url: str, database: str) -> dict[str, str]:
    """Production settings on plain HTTP (as scripts/fuzz runs them), at the sandbox; the
    API throttle out of the way (it is measured elsewhere)."""
    return {
        "ENV_FILE": "/dev/null",
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FERNET_KEYS": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "False",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "API_THROTTLE_RATE": "100000000/minute",
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "XERO_AUTHORIZE_URL": f"{sandbox_url}/identity/connect/authorize",
        "XERO_TOKEN_URL": f"{sandbox_url}/identity/connect/token",
        "XERO_REVOKE_URL": f"{sandbox_url}/identity/connect/revocation",
        "XERO_CONNECTIONS_URL": f"{sandbox_url}/Connections",
        "XERO_API_URL": f"{sandbox_url}/api.xro/2.0",
        "XERO_TIMEOUT_SECONDS": "10",
        "XERO_MAX_RETRIES": "2",
        "XERO_UNKNOWN_OUTCOME_WAIT_SECONDS": "1",
        "XERO_MINUTE_LIMIT": "1000000",
        "XERO_CONCURRENT_LIMIT": "5",
        "XERO_DAY_LIMIT": "100000000",
        "WEB_CONCURRENCY": "2",
    }


def prepare_database() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)


def quiet_logs(path: Path) -> None:
    """The service logs each Xero call at INFO, as in production (its cost is part of the
    figures), to a file: the terminal shows the figures."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(open(path, "a"))  # open for the whole run


def done(figures: list[Figure]) -> list[Figure]:
    for figure in figures:
        print(
            f"{figure.name}: {figure.ratio if figure.ratio is None else round(figure.ratio, 3)} "
            f"({figure.detail}) {figure.verdict}",
            flush=True,
        )
    return figures


def run(size: Size, run_dir: Path, only: set[int]) -> list[Figure]:
    # Imported once Django is set up: they import models.
    from .exports import export_figures
    from .ratelimit import ratelimit_figure
    from .scheduler import scheduler_figure

    figures: list[Figure] = []
    peaks: dict[str, float] = {}
    if only & {1, 5, 7}:
        figures += web_figures(size, run_dir, only, peaks)
    elif only & {2, 4}:
        figures += done(export_figures(os.environ["SANDBOX_URL"], sales=size.export_sales))
    if only & {3, 7}:
        figures += done([ratelimit_figure(run_dir, size, peaks)])
    if 6 in only:
        figures += done([scheduler_figure(merchants=size.merchants)])
    if 7 in only:
        figures.append(
            Figure(
                name="7 peak RSS",
                ratio=None,
                goal="printed",
                ok=None,
                detail=", ".join(f"{name} {mb:.0f} MB" for name, mb in peaks.items()),
                values={f"{name} MB": mb for name, mb in peaks.items()},
            )
        )
    return figures


def web_figures(size: Size, run_dir: Path, only: set[int], peaks: dict[str, float]) -> list[Figure]:
    """The figures that need the service under gunicorn (and 2 and 4, between them: the
    read endpoints' query counts are taken before and after their data grows)."""
    from xero_integration.exports.engine import export_connection

    from .exports import export_figures
    from .ingest import ingest_figures
    from .reads import query_counts, read_figures
    from .world import fill_backlog, open_shop

    figures: list[Figure] = []
    web = Gunicorn(run_dir, environment())
    try:
        if 1 in only:
            shop = open_shop("BENCH-INGEST", outlets=1, connect=False)
            figures += done(
                ingest_figures(web.url, shop, rounds=size.rounds, sales_per_round=size.ingest_sales)
            )
        reading = open_shop("BENCH-READS", outlets=2, connect=True)
        fill_backlog(reading, size.export_sales // 10)
        assert reading.connection is not None
        export_connection(connection_id=reading.connection.pk)  # some logs for the outlet
        small = query_counts(reading)
        if only & {2, 4}:
            figures += done(export_figures(os.environ["SANDBOX_URL"], sales=size.export_sales))
        fill_backlog(reading, size.export_sales)
        export_connection(connection_id=reading.connection.pk)
        large = query_counts(reading)
        if 5 in only:
            figures += done(
                read_figures(
                    web.url,
                    reading,
                    rounds=size.rounds,
                    seconds=size.read_seconds,
                    small=small,
                    large=large,
                )
            )
        peaks["web worker"] = max(peak_rss_mb(pid) for pid in descendants(web.pid))
    finally:
        web.stop()
    return figures


def reference_loop_seconds() -> float:
    """CPU seconds of a fixed pure-Python loop: figure 4 is in absolute milliseconds, so
    runs on machines of different speeds (or one machine on a busier day) compare by it."""
    started, total = time.process_time(), 0
    for n in range(10_000_000):
        total += n
    return time.process_time() - started


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the same figures, small (~1 min)")
    parser.add_argument("--json", type=Path, default=Path("benchmarks/last-run.json"))
    parser.add_argument(
        "--only", type=int, nargs="+", default=list(range(1, 8)), help="figure numbers (1-7)"
    )
    args = parser.parse_args(argv)
    size = QUICK if args.quick else FULL
    run_dir = Path(tempfile.mkdtemp(prefix="xero-bridge-bench-"))
    # Limits out of the way (figure 3 has its own sandbox that enforces one).
    sandbox = Sandbox(run_dir, "--minute-limit", "1000000", "--day-limit", "100000000")
    started = time.monotonic()
    try:
        database = database_url(run_dir)
        os.environ.update(service_env(sandbox.url, database), SANDBOX_URL=sandbox.url)
        django.setup()
        quiet_logs(run_dir / "bench.log")
        prepare_database()
        figures = run(size, run_dir, set(args.only))
    finally:
        sandbox.stop()
    about = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "database": "postgresql" if database.startswith("postgres") else "sqlite",
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "seconds": round(time.monotonic() - started),
        "reference_loop_cpu_seconds": round(reference_loop_seconds(), 2),
    }
    print(
        f"\n{about['mode']} run, {about['database']}, {about['cpus']} CPUs, {about['date']}, "
        f"{about['seconds']} s (logs in {run_dir}); this machine's speed: the reference loop "
        f"took {about['reference_loop_cpu_seconds']} s of CPU\n"
    )
    print(table(figures))
    write_json(figures, args.json, about)
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
