"""Benchmarks: `python -m benchmarks` (full) or `python -m benchmarks --quick` (about a minute).

Each figure is measured against a baseline in the same run (interleaved rounds, median),
so that it holds on a small, shared, noisy machine. See README "Performance".
"""
