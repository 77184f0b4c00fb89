"""How big a fault run is and how hard Xero misbehaves: flags of the runner, env vars here.

FAULT_SUITE_SALES=20000 (or `python -m tests.e2e.faults --sales 20000`) runs it larger.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class SuiteSize:
    sales: int = 1500  # the CI size; the figure, 5,000, is a flag away
    seed: int = 1
    server_error_rate: float = 0.05  # share of calls answered 5xx
    lost_answer_rate: float = 0.05  # share of writes stored, then the answer lost
    slow_rate: float = 0.03  # share of calls answered slowly
    slow_seconds: int = 2
    storm_calls: int = 25  # calls answered 429 in each storm
    workers: int = 2  # qcluster processes (one on SQLite: one writer at a time)
    ingest_seconds: int = 60  # the POS posts its sales over this long, while faults run
    # The rate faults go on until this share of the documents is in Xero (after the last
    # sale is posted), so they hit the export itself, not only its start.
    faults_until_share: float = 0.5
    settle_seconds: int = 480  # longest wait after the last fault for every sale in Xero

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "SuiteSize":
        values: dict[str, Any] = {}
        for item in fields(cls):
            raw = environ.get(env_name(item.name))
            if raw is not None:
                values[item.name] = float(raw) if item.type in (float, "float") else int(raw)
        return cls(**values)


def env_name(field_name: str) -> str:
    return f"FAULT_SUITE_{field_name.upper()}"
