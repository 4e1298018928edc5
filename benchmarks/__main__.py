"""Run every benchmark: ``python -m benchmarks [NAME ...]`` (NAME: core, sessions, reports, rounds ...)."""

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
            verdict = "" if r["ok"] is None else ("  ok" if r["ok"] else "  OVER TARGET")
            target = f" (target <= {r['target']}x)" if r["target"] is not None else ""
            print(
                f"{r['name']}: {r['value']:.4g} {r['unit']} vs {r['baseline_name']}: "
                f"{r['baseline']:.4g} {r['unit']} -> {r['ratio']:.2f}x{target}{verdict}",
                file=sys.stderr,
            )
    if as_json:
        print(json.dumps(results, indent=2))
    return 0 if all(r["ok"] is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
