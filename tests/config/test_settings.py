import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _import_settings(**env):
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )


def test_development_secret_key_refuses_to_run_without_debug():
    result = _import_settings(
        DEBUG="False", SECRET_KEY="dev-only-insecure-secret-key-do-not-use-in-production"
    )

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_real_secret_key_runs_without_debug():
    result = _import_settings(DEBUG="False", SECRET_KEY="a-real-production-secret")

    assert result.returncode == 0, result.stderr
