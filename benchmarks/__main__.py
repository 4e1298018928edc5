"""Run every benchmark: ``python -m benchmarks [NAME ...]`` (NAME: core, sessions, reports, rounds, web, live ...)."""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from pathlib import Path
from typing import Any

from benchmarks._util import judge, line


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
            r["ok"] = judge(r)
            print(line(r), file=sys.stderr)
    if as_json:
        print(json.dumps(results, indent=2))
    return 0 if all(r["ok"] is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
