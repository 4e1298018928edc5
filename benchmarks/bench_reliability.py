"""Reliability: several note-takers at once, a writer killed at random moments, backup.

Figures, each against a baseline measured in the same run:
- 4 processes x 500 notes into one interview (SQLite and PostgreSQL): wall time per note,
  against one process writing 500 notes alone; the retries the writers needed (per note)
  and the worst wait of a single note under contention, against the median one alone.
- 50 SIGKILLs at random moments (seeded) of a process writing notes: notes lost of those
  whose command had returned, and integrity-check failures.
- backup of the database while a writer runs, against a plain file copy.

The writers use tests/_harness.py (the same harness as tests/integration/test_concurrency.py). The
PostgreSQL figures use ``GRANSKNING_BENCH_PG`` (default: the local server's socket, a
database ``granskning_bench``), and are left out when no server answers.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._util import row, show

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get(
    "GRANSKNING_BENCH_PG", "postgresql+psycopg://root@/granskning_bench?host=/var/run/postgresql"
)


def _harness() -> Any:
    sys.path.insert(0, str(ROOT / "tests"))
    import _harness

    return _harness


def _fresh_pg() -> str | None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    try:
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
        admin.dispose()
    except Exception:  # noqa: BLE001  (no server: no PostgreSQL figures)
        return None
    return PG_URL


def _drop_pg() -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


def _alone(h: Any, url: str, n: int = 500) -> tuple[float, float]:
    """One writer, n notes: seconds per note, median seconds of one note."""
    from granskning.storage.store import Store

    store = Store(url)
    interview = h.make_note_target(store)
    times = []
    began = time.perf_counter()
    for i in range(n):
        t = time.perf_counter()
        h.write_note(store, interview, f"alone {i}")
        times.append(time.perf_counter() - t)
    total = time.perf_counter() - began
    store.dispose()
    return total / n, statistics.median(times)


def _together(h: Any, url: str) -> dict[str, Any]:
    from granskning.storage.store import Store

    store = Store(url)
    interview = h.make_note_target(store)
    result = h.concurrent_notes(store, interview, processes=4, per_process=500)
    result["counted"] = h.count_notes(store, interview)
    store.dispose()
    return result


def concurrency(h: Any, backend: str, url: str) -> list[dict[str, Any]]:
    per_note_alone, median_alone = _alone(h, url)
    r = _together(h, url)
    assert r["errors"] == [] and r["counted"] == 2000, (r["errors"][:3], r["counted"])
    return [
        row(
            f"{backend}: 4 writers x 500 notes (note add), wall time per note ({r['notes_per_second']:.0f} notes/s)",
            r["seconds"] / 2000 * 1000,
            "1 writer x 500 notes, time per note",
            per_note_alone * 1000,
            # 4 writers and the database share the machine's cores: not slower per note
            # than one writer alone, give or take the noise of a busy machine
            2.0,
            unit="ms",
        ),
        row(
            f"{backend}: retries needed per note (of 2000)",
            r["retries"] / 2000,
            "notes written",
            1.0,
            0.01,
            unit="retries/note",
        ),
        row(
            f"{backend}: worst wait of one note among 4 writers (p99 {r['p99_call_s'] * 1000:.1f} ms)",
            r["worst_call_s"] * 1000,
            "median note, 1 writer",
            median_alone * 1000,
            None,
            unit="ms",
        ),
    ]


def kills(h: Any, tmp: Path) -> list[dict[str, Any]]:
    from granskning.storage.store import Store

    store = Store(f"sqlite:///{tmp / 'kill.db'}")
    interview = h.make_note_target(store)
    began = time.perf_counter()
    r = h.kill_test(store, interview, kills=50, seed=20260302)
    elapsed = time.perf_counter() - began
    store.dispose()
    return [
        row(
            f"SQLite: notes lost after 50 SIGKILLs ({r['confirmed']} confirmed, {r['notes']} stored, {elapsed:.1f} s)",
            float(len(r["missing"])),
            "notes confirmed",
            float(r["confirmed"]),
            0.0,
            unit="notes",
        ),
        row(
            "SQLite: integrity-check failures after 50 SIGKILLs",
            float(r["kills"] - r["integrity_ok"]),
            "kills",
            float(r["kills"]),
            0.0,
            unit="checks",
        ),
    ]


def backup_while_writing(h: Any, tmp: Path) -> list[dict[str, Any]]:
    import multiprocessing

    from granskning.storage import backup
    from granskning.storage.store import Store

    path = tmp / "live.db"
    store = Store(f"sqlite:///{path}")
    interview = h.make_note_target(store)
    for i in range(2000):
        h.write_note(store, interview, f"note {i} " + "text " * 40)
    store.dispose()
    copy_start = time.perf_counter()
    shutil.copyfile(path, tmp / "plain-copy.db")
    plain = time.perf_counter() - copy_start
    ctx = multiprocessing.get_context("fork")
    writer = ctx.Process(target=_keep_writing, args=(str(path), interview))
    writer.start()
    time.sleep(0.2)
    began = time.perf_counter()
    backup.backup(store, tmp / "backup.db")
    online = time.perf_counter() - began
    writer.kill()
    writer.join()
    store.dispose()
    return [
        row(
            "SQLite: backup (online API) of a 2,000-note database while a writer runs",
            online * 1000,
            "plain file copy, nobody writing",
            plain * 1000,
            None,
            unit="ms",
        )
    ]


def _keep_writing(path: str, interview: int) -> None:
    h = _harness()
    from granskning.storage.store import Store

    store = Store(f"sqlite:///{path}")
    i = 0
    while True:
        h.write_note(store, interview, f"during backup {i}")
        i += 1


def run() -> list[dict[str, Any]]:
    h = _harness()
    out: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        out += concurrency(h, "SQLite", f"sqlite:///{tmp / 'notes.db'}")
        pg = _fresh_pg()
        if pg is not None:
            try:
                out += concurrency(h, "PostgreSQL", pg)
            finally:
                _drop_pg()
        out += kills(h, tmp)
        out += backup_while_writing(h, tmp)
    return out


if __name__ == "__main__":
    show(run())
