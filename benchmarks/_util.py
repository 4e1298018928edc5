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
    *,
    target_kind: str = "ratio",
    ok: bool | None = None,
    digits: int | None = None,
) -> dict[str, Any]:
    """One result line: a figure, its baseline from the same run, the ratio and the target.

    :param target_kind: "ratio" (the ratio to the baseline must stay at or under
        ``target``) or "value" (the figure itself must).
    :param ok: the verdict, when it takes more than the target (e.g. identical output).
    :param digits: round the figure and the baseline to this many decimals.
    """
    ratio = value / baseline if baseline else float("inf")
    if ok is None and target is not None:
        ok = (value if target_kind == "value" else ratio) <= target
    if digits is not None:
        value, baseline = round(value, digits), round(baseline, digits)
    return {
        "name": name,
        "value": value,
        "unit": unit,
        "baseline_name": baseline_name,
        "baseline": baseline,
        "ratio": round(ratio, 3),
        "target": target,
        "target_kind": target_kind,
        "ok": ok,
    }


def judge(r: dict[str, Any]) -> bool | None:
    """Whether a row meets its target: a ratio to its baseline, or (target_kind "value") a value."""
    if r.get("ok") is not None:
        return bool(r["ok"])
    target = r.get("target")
    if not isinstance(target, int | float):
        return None
    measured = r["value"] if r.get("target_kind") == "value" else r["ratio"]
    return bool(measured <= target)


def describe_target(r: dict[str, Any]) -> str:
    target = r.get("target")
    if target is None:
        return ""
    if isinstance(target, str):
        return f" (target {target})"
    if r.get("target_kind") == "value":
        return f" (target <= {target} {r['unit']})"
    return f" (target <= {target}x)"


def line(r: dict[str, Any]) -> str:
    """A row as one line: figure, baseline, ratio, target and verdict."""
    ok = judge(r)
    verdict = "" if ok is None else ("  ok" if ok else "  OVER TARGET")
    return (
        f"{r['name']}: {r['value']:.4g} {r['unit']} vs "
        f"{r.get('baseline_name', 'baseline')}: {r['baseline']:.4g} -> "
        f"{r['ratio']:.2f}x{describe_target(r)}{verdict}"
    )


def show(rows: list[dict[str, Any]]) -> None:
    """Print ``rows`` as ``python -m benchmarks`` does (a benchmark run on its own)."""
    for r in rows:
        print(line(r))
