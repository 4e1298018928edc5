"""Review import against the plain export, on a review with 1,200 notes and 2,000 audit events.

Figures, each against the export of the same review measured in the same run (SQLite files):
- import into an empty database (every rule checked, the life cycle replayed with its guards):
  wall time (median of 3) and the Python memory peak (tracemalloc);
- the same file imported again (already up to date: nothing written).
Times are taken with tracemalloc on, for export and import alike.

The review is the reliability tests' populated review (tests/_world.py) with notes and audit
events added as rows until it holds 1,200 notes and 2,000 audit events.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks._util import row, show

ROOT = Path(__file__).resolve().parent.parent
NOTES = 1_200
AUDIT = 2_000


def _world() -> Any:
    sys.path.insert(0, str(ROOT / "tests"))
    import _world

    return _world


def make_review(url: str) -> int:
    """The populated review, grown to NOTES notes and AUDIT audit events; its id."""
    from sqlalchemy import func
    from sqlmodel import select

    from granskning.storage.audit import record
    from granskning.storage.model import AuditEvent, Note
    from granskning.storage.store import Store

    store = Store(url)
    world = _world().populate(store)
    questions = ["styr-1", "styr-2", "styr-3", "infl-1", "infl-2", None]
    with store.atomic() as s:
        have = s.exec(select(func.count()).select_from(Note)).one()
        start = store.now()
        for i in range(NOTES - have):
            s.add(
                Note(
                    interview_id=world.interviews[0],
                    question_id=questions[i % len(questions)],
                    text=f"Anteckning {i}: " + "barnets bästa och delaktighet " * 8,
                    author="Bo Ek",
                    created_at=start + timedelta(seconds=i),
                )
            )
        s.flush()
        events = s.exec(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.review_id == world.review)
        ).one()
        for i in range(AUDIT - events):
            record(
                s,
                store,
                entity="note",
                action="add",
                review_id=world.review,
                comment=f"note {i} on interview {world.interviews[0]}",
            )
    store.dispose()
    return world.review


def measure(fn: Callable[[], Any], runs: int = 3) -> tuple[float, float]:
    """Median seconds of ``fn`` over ``runs`` calls, and the largest memory peak in MB."""
    times, peaks = [], []
    for _ in range(runs):
        tracemalloc.start()
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
        peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
    return statistics.median(times), max(peaks)


def run() -> list[dict[str, Any]]:
    from granskning.services import exchange as transfer
    from granskning.storage.store import Store

    out: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        source_url = f"sqlite:///{tmp / 'source.db'}"
        review_id = make_review(source_url)
        source = Store(source_url)
        export_file = tmp / "review.json"
        doc = transfer.export_review(source, review_id, export_file)
        assert len(doc["notes"]) >= NOTES and len(doc["audit"]) >= AUDIT, (
            len(doc["notes"]),
            len(doc["audit"]),
        )
        export_s, export_mb = measure(
            lambda: transfer.export_review(source, review_id, export_file)
        )
        source.dispose()

        # empty databases with their schema, made before the clock starts
        empty = tmp / "empty.db"
        Store(f"sqlite:///{empty}").dispose()
        targets = []
        for i in range(3):
            shutil.copyfile(empty, tmp / f"target{i}.db")
            targets.append(Store(f"sqlite:///{tmp / f'target{i}.db'}"))
        fresh = iter(targets)

        def import_fresh() -> None:
            result = transfer.import_review(next(fresh), export_file)
            assert result["new"], result

        import_s, import_mb = measure(import_fresh)
        again_s, again_mb = measure(
            lambda: transfer.import_review(targets[0], export_file)["changed"] is False
        )
        for store in targets:
            store.dispose()
    label = f"({NOTES:,} notes, {AUDIT:,} audit events)"
    out.append(row(f"import into an empty database {label}", import_s, "export", export_s, 12))
    out.append(
        row(f"import memory peak {label}", import_mb, "export peak", export_mb, 4, unit="MB")
    )
    out.append(row(f"import again, up to date {label}", again_s, "export", export_s, 6))
    out.append(
        row(f"import again memory peak {label}", again_mb, "export peak", export_mb, 4, unit="MB")
    )
    return out


if __name__ == "__main__":
    show(run())
