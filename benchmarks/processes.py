"""The processes a benchmark talks to: the sandbox Xero, gunicorn and the django-q2 cluster,
each a child process as production runs it, and their peak memory."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_answers(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


class Child:
    """A child process whose output goes to a file in the run's folder."""

    def __init__(self, command: list[str], log_path: Path, env: dict[str, str] | None = None):
        self.log_path = log_path
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


class Sandbox(Child):
    """`python -m sandbox_xero` in its own process, so its CPU is not counted as ours."""

    def __init__(self, log_dir: Path, *flags: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [PYTHON, "-m", "sandbox_xero", "--port", str(self.port), *flags]
        super().__init__(command, log_dir / f"sandbox-{self.port}.log")
        wait_until_answers(f"{self.url}/_sandbox/state", self.process)


class Gunicorn(Child):
    """gunicorn with the Procfile's configuration (config/gunicorn.py), on benchmarks.wsgi:
    the service's URLs plus the bare view the read endpoints are measured against."""

    def __init__(self, log_dir: Path, env: dict[str, str], workers: int = 2):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            str(Path(PYTHON).with_name("gunicorn")),
            "benchmarks.wsgi",
            "--config",
            "python:config.gunicorn",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
        ]
        super().__init__(command, log_dir / "gunicorn.log", env)
        wait_until_answers(f"{self.url}/healthz", self.process)


class Qcluster(Child):
    def __init__(self, log_dir: Path, env: dict[str, str]):
        command = [PYTHON, "manage.py", "qcluster"]
        super().__init__(command, log_dir / "qcluster.log", env)


def descendants(pid: int) -> list[int]:
    """Every process below pid (gunicorn's workers, the cluster's workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MB; 0 if it has gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def environment(**values: str) -> dict[str, str]:
    return {**os.environ, **values}
