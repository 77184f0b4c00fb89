"""Figures, interleaved rounds and the table: what every benchmark module shares."""

import json
import statistics
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    """One row of the table: a ratio against a baseline (or a goal), and the numbers."""

    name: str
    ratio: float | None  # measured ÷ baseline; None for figures that are only printed
    goal: str  # e.g. ">= 0.5"
    ok: bool | None  # None: printed only (memory)
    detail: str  # the absolute numbers beside the ratio
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        if self.ok is None:
            return "printed"
        return "ok" if self.ok else "below goal"


def interleaved(rounds: int, measures: dict[str, Callable[[], float]]) -> dict[str, float]:
    """Run each measure once per round, alternating, and keep each one's median: the
    machine's noise (other work on the same 2 cores) falls on both sides alike."""
    samples: dict[str, list[float]] = {name: [] for name in measures}
    for round_number in range(rounds):
        order = list(measures.items())
        if round_number % 2:
            order.reverse()  # neither side always runs first, on a warmer cache
        for name, measure in order:
            samples[name].append(measure())
    return {name: statistics.median(values) for name, values in samples.items()}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def table(figures: list[Figure]) -> str:
    rows = [("figure", "ratio", "goal", "numbers", "verdict")]
    for f in figures:
        ratio = "-" if f.ratio is None else f"{f.ratio:.3f}"
        rows.append((f.name, ratio, f.goal, f.detail, f.verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[i].ljust(widths[i]) for i in range(4)]
        lines.append(" | ".join(cells) + " | " + row[4])
        if n == 0:
            lines.append("-+-".join("-" * w for w in widths) + "-+-" + "-" * 10)
    return "\n".join(lines)


def write_json(figures: list[Figure], path: Path, about: dict[str, Any]) -> None:
    body = {**about, "figures": [{**asdict(f), "verdict": f.verdict} for f in figures]}
    path.write_text(json.dumps(body, indent=2, default=str) + "\n")
