"""`python -m tests.e2e.faults --sales 20000`: the fault suite at any size, on the
database DATABASE_URL names (SQLite by default), its figures printed at the end."""

import argparse
import os
import sys
from dataclasses import fields

import pytest

from .size import SuiteSize, env_name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.e2e.faults", description=__doc__)
    defaults = SuiteSize.from_env()
    for item in fields(SuiteSize):
        flag = "--" + item.name.replace("_", "-")
        kind = float if item.type in (float, "float") else int
        parser.add_argument(flag, type=kind, default=getattr(defaults, item.name))
    options = parser.parse_args(argv)
    for item in fields(SuiteSize):
        os.environ[env_name(item.name)] = str(getattr(options, item.name))
    test = "tests/e2e/test_fault_suite.py"
    return pytest.main([test, "-s", "-q", "-p", "no:cacheprovider"])


if __name__ == "__main__":
    sys.exit(main())
