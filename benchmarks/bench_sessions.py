"""Benchmarks of the session engine: ``note add`` end to end, and 10,000 notes in one process.

    python benchmarks/bench_sessions.py          # prints the figures as JSON

``run()`` returns rows with name, value, unit, baseline, ratio, target; each baseline is
measured in the same run on the same machine.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks._util import show

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

RUNS = 9
NOTES = 10_000


def _world(db: Path) -> tuple[Any, int]:
    """A confirmed review with a running interview, on a SQLite file."""
    from granskning.services import interviews, registry, reviews, sessions
    from granskning.storage.store import Store

    store = Store(f"sqlite:///{db}", actor="bench")
    for name in ("Gävle", "Uppsala", "Örebro"):
        registry.add_municipality(store, name)
    lead = registry.add_person(store, "Anna Berg", "Uppsala")
    secretary = registry.add_person(store, "Bo Ek", "Örebro")
    review = reviews.create_review(
        store, host="Gävle", reviewing=["Uppsala", "Örebro"], template="kollegial-granskning-2013"
    )
    rid: int = review.id  # type: ignore[assignment]
    reviews.assign(store, rid, lead.id, "lead")  # type: ignore[arg-type]
    reviews.assign(store, rid, secretary.id, "secretary")  # type: ignore[arg-type]
    start = datetime.now(UTC) + timedelta(days=1)
    iv = interviews.add_interview(
        store,
        rid,
        group="fortroendevalda",
        start=start,
        minutes=90,
        moderator=lead.id,
        note_taker=secretary.id,
    )
    reviews.advance(store, rid, "confirm_schedule")
    sessions.start(store, iv.id)  # type: ignore[arg-type]
    return store, iv.id  # type: ignore[return-value]


def _time(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - t0


def bench_note_add_cli(folder: Path) -> dict[str, Any]:
    """``python -m granskning note add`` against the bare ``python -c "import sqlmodel"``."""
    db = folder / "cli.db"
    store, iv = _world(db)
    store.dispose()
    env = {**os.environ, "GRANSKNING_LANG": "en", "PYTHONPATH": str(ROOT)}
    env["GRANSKNING_CACHE_DIR"] = str(folder / "cache")  # filled by the warm-up run
    env.pop("GRANSKNING_DB", None)
    note = [sys.executable, "-m", "granskning", "--db", str(db), "note", "add", str(iv)]
    note += ["--question", "styr-1", "--text", "Styrdokumenten nämner barnkonventionen"]
    bare = [sys.executable, "-c", "import sqlmodel"]
    _time(note, env)  # warm the file cache and the bytecode
    _time(bare, env)
    ours, base = [], []
    for _ in range(RUNS):  # interleaved, so that a busy moment hits both
        ours.append(_time(note, env))
        base.append(_time(bare, env))
    value, baseline = statistics.median(ours), statistics.median(base)
    return {
        "name": f"note add, end to end (median of {RUNS})",
        "value": round(value * 1000, 1),
        "unit": "ms",
        "baseline": round(baseline * 1000, 1),
        "baseline_name": 'python -c "import sqlmodel"',
        "ratio": round(value / baseline, 2),
        "target": "ratio < 1.5",
        "ok": value / baseline < 1.5,
    }


def bench_notes_in_process(folder: Path) -> list[dict[str, Any]]:
    """10,000 notes through the engine, each its own committed transaction."""
    from granskning.services import sessions

    db = folder / "engine.db"
    store, iv = _world(db)
    with store.engine.connect() as conn:
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        sync = conn.exec_driver_sql("PRAGMA synchronous").scalar()
    questions = [s.question.id for s in sessions.load_plan(store, iv).steps]
    for i in range(50):  # warm up: connections, statement caches, the parsed template
        sessions.add_note(store, iv, questions[i % len(questions)], f"uppvärmning {i}")
    times = []
    for i in range(NOTES):
        text = f"Anteckning {i}: barnen får återkoppling via elevrådet"
        t0 = time.perf_counter()
        sessions.add_note(store, iv, questions[i % len(questions)], text)
        times.append(time.perf_counter() - t0)
    # the baseline: the same insert, committed the same way, without the engine's checks
    from granskning.storage.model import Note

    base = []
    for i in range(2_000):
        t0 = time.perf_counter()
        with store.atomic() as s:
            s.add(
                Note(interview_id=iv, question_id="styr-1", text=f"rå {i}", created_at=store.now())
            )
        base.append(time.perf_counter() - t0)
    store.dispose()
    times.sort()
    base.sort()

    def pct(values: list[float], p: float) -> float:
        return values[min(len(values) - 1, int(p * len(values)))] * 1000

    durable = f"journal_mode={mode}, synchronous={sync} (1 = NORMAL)"
    return [
        {
            "name": f"note via the engine, p50 of {NOTES:,} (SQLite file, {durable})",
            "value": round(pct(times, 0.50), 3),
            "unit": "ms",
            "baseline": round(pct(base, 0.50), 3),
            "baseline_name": "bare insert + commit, p50",
            "ratio": round(pct(times, 0.50) / pct(base, 0.50), 2),
            "target": None,
        },
        {
            "name": f"note via the engine, p99 of {NOTES:,} (SQLite file, {durable})",
            "value": round(pct(times, 0.99), 3),
            "unit": "ms",
            "baseline": round(pct(base, 0.99), 3),
            "baseline_name": "bare insert + commit, p99",
            "ratio": round(pct(times, 0.99) / pct(base, 0.99), 2),
            "target": "p99 < 5 ms",
            "ok": pct(times, 0.99) < 5.0,
        },
    ]


def run() -> list[dict[str, Any]]:
    """Every figure of this topic."""
    with tempfile.TemporaryDirectory(prefix="granskning-bench-") as tmp:
        folder = Path(tmp)
        return [bench_note_add_cli(folder), *bench_notes_in_process(folder)]


if __name__ == "__main__":
    show(run())
