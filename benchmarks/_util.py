"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

PYTHON = sys.executable


def cpu_time() -> float:
    """CPU seconds of this process and of its finished children (the forked renderer): what
    the work costs, whatever else the machine is busy with (wall-clock time on a shared
    machine varies by more than the differences measured)."""
    import resource

    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def time_process(args: Sequence[str], runs: int = 7, env: dict[str, str] | None = None) -> float:
    """Median wall time in seconds of running ``args`` as a fresh process (after one warm-up)."""
    full_env = {**os.environ, **(env or {})}
    subprocess.run(args, check=True, capture_output=True, env=full_env)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, env=full_env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_call(fn: Callable[[], Any], runs: int = 5) -> float:
    """Median wall time in seconds of calling ``fn`` (after one warm-up)."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def row(
    name: str,
    value: float,
    baseline_name: str,
    baseline: float,
    target: float | None,
    unit: str = "s",
) -> dict[str, Any]:
    """One result line: a figure, its baseline from the same run, the ratio and the target ratio."""
    ratio = value / baseline if baseline else float("inf")
    return {
        "name": name,
        "value": value,
        "unit": unit,
        "baseline_name": baseline_name,
        "baseline": baseline,
        "ratio": ratio,
        "target": target,
        "ok": None if target is None else ratio <= target,
    }
