"""Run every benchmark: ``python -m benchmarks [NAME ...]`` (NAME: core, sessions, reports, rounds, web, live ...)."""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from pathlib import Path
from typing import Any


def discover() -> list[str]:
    here = Path(__file__).parent
    return sorted(
        m.name[len("bench_") :]
        for m in pkgutil.iter_modules([str(here)])
        if m.name.startswith("bench_")
    )


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


def main(argv: list[str]) -> int:
    as_json = "--json" in argv
    names = [a for a in argv if not a.startswith("-")] or discover()
    results: list[dict[str, Any]] = []
    for name in names:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        print(f"== {name}", file=sys.stderr)
        for r in module.run():
            r["benchmark"] = name
            results.append(r)
            r["ok"] = judge(r)
            verdict = "" if r["ok"] is None else ("  ok" if r["ok"] else "  OVER TARGET")
            print(
                f"{r['name']}: {r['value']:.4g} {r['unit']} vs "
                f"{r.get('baseline_name', 'baseline')}: {r['baseline']:.4g} -> "
                f"{r['ratio']:.2f}x{describe_target(r)}{verdict}",
                file=sys.stderr,
            )
    if as_json:
        print(json.dumps(results, indent=2))
    return 0 if all(r["ok"] is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
