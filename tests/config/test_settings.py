"""Production is the default: DEBUG off, keys required, HTTPS only, a cache shared by processes.

Each test imports the settings in a fresh interpreter with only the variables it names
(ENV_FILE=/dev/null: no .env either), as a deployment that forgot the rest would.
"""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

from config import gunicorn as gunicorn_config

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "SECRET_KEY": "a-real-production-secret-that-is-long-and-random-0123456789abcdef",
    "FERNET_KEYS": "a-real-fernet-key",
}
SHOW = (
    "import json, config.settings as s; print(json.dumps({n: getattr(s, n) for n in %r}, "
    "default=str))"
)


def run(code: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args] if args else [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "ENV_FILE": os.devnull, **env},
        capture_output=True,
        text=True,
    )


def settings_of(*names: str, **env: str) -> dict:
    result = run(SHOW % (names,), **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def import_error(**env: str) -> str:
    result = run("import config.settings", **env)
    assert result.returncode != 0
    return result.stderr


def test_debug_is_off_unless_asked():
    assert settings_of("DEBUG", **PRODUCTION) == {"DEBUG": False}


def test_secret_key_has_no_default_without_debug():
    assert "Set SECRET_KEY" in import_error(FERNET_KEYS="a-real-fernet-key")


def test_development_secret_key_refuses_to_run_without_debug():
    env = {**PRODUCTION, "SECRET_KEY": "dev-only-insecure-secret-key-do-not-use-in-production"}

    assert "Set SECRET_KEY" in import_error(**env)


def test_fernet_keys_do_not_fall_back_to_the_secret_key_without_debug():
    assert "Set FERNET_KEYS" in import_error(SECRET_KEY=PRODUCTION["SECRET_KEY"])


def test_https_is_required_without_debug():
    names = (
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    )

    assert settings_of(*names, **PRODUCTION) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }


def test_https_settings_can_be_set():
    env = {
        **PRODUCTION,
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "60",
        "SECURE_HSTS_PRELOAD": "True",
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    }
    names = ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD")

    assert settings_of(*names, "SECURE_PROXY_SSL_HEADER", **env) == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 60,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_development_machine_keeps_its_laptop_defaults():
    found = settings_of("SECRET_KEY", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", DEBUG="True")

    assert found["SECURE_SSL_REDIRECT"] is False and found["SESSION_COOKIE_SECURE"] is False
    assert found["SECRET_KEY"].startswith("dev-only")


def test_default_cache_is_the_database_shared_by_every_process():
    caches = settings_of("CACHES", **PRODUCTION)["CACHES"]

    assert caches["default"] == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "xero_bridge_cache",
    }


def test_a_process_opens_a_database_connection_per_task_by_default():
    database = settings_of("DATABASES", **PRODUCTION)["DATABASES"]["default"]

    assert database["CONN_MAX_AGE"] == 0 and database["CONN_HEALTH_CHECKS"] is True


def test_database_connection_age_from_the_environment():
    found = settings_of("DATABASES", DATABASE_CONN_MAX_AGE="60", **PRODUCTION)

    assert found["DATABASES"]["default"]["CONN_MAX_AGE"] == 60


def test_the_web_process_keeps_its_database_connection_a_minute(monkeypatch):
    environment: dict[str, str] = {}  # gunicorn's, as it reads its configuration
    monkeypatch.setattr(os, "environ", environment)

    importlib.reload(gunicorn_config)

    assert environment["DATABASE_CONN_MAX_AGE"] == "60"


def test_redis_cache_when_cache_url_says_so():
    caches = settings_of("CACHES", CACHE_URL="redis://127.0.0.1:6379/1", **PRODUCTION)["CACHES"]

    assert caches["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


def test_the_task_queue_is_the_database_by_default():
    cluster = settings_of("Q_CLUSTER", **PRODUCTION)["Q_CLUSTER"]

    assert cluster["orm"] == "default" and "redis" not in cluster


def test_the_task_queue_is_redis_when_q_broker_says_so():
    env = {"Q_BROKER": "redis", "REDIS_URL": "redis://10.0.0.5:6379/2", **PRODUCTION}
    cluster = settings_of("Q_CLUSTER", **env)["Q_CLUSTER"]

    assert cluster["redis"] == "redis://10.0.0.5:6379/2" and "orm" not in cluster


def test_an_unknown_task_queue_is_refused():
    assert "Q_BROKER must be 'orm' or 'redis'" in import_error(Q_BROKER="rabbit", **PRODUCTION)


def test_mariadb_speaks_utf8mb4():
    db_settings = settings_of("DATABASES", DATABASE_URL="mysql://root@127.0.0.1/xb", **PRODUCTION)
    database = db_settings["DATABASES"]["default"]

    assert database["OPTIONS"]["charset"] == database["TEST"]["CHARSET"] == "utf8mb4"
