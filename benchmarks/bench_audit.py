"""The audit chain: ``review verify`` on a large review, beside ``review export`` of it.

One review (SQLite) with 1,200 notes and 2,000 audit events in its chain, a frozen report
version and some content. Figures, each against ``review export`` of the same review in the
same run (which reads everything the review holds, the audit log included):
- wall time of ``review verify`` (every link recomputed, the database's own chain, the
  frozen report checked against its SHA-256);
- its peak of Python memory (tracemalloc) against the export's.
"""

from __future__ import annotations

import tempfile
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks._util import row, show, time_call

NOTES = 1_200
EVENTS = 2_000


def _populate(url: str) -> int:
    from granskning.services import registry, reviews
    from granskning.storage.audit import record
    from granskning.storage.model import AuditEvent, Interview, Note, Review
    from granskning.storage.store import Store

    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    tick = [start]

    def clock() -> datetime:
        tick[0] += timedelta(seconds=1)
        return tick[0]

    store = Store(url, clock=clock, actor="bench")
    for name in ("Gävle", "Uppsala", "Örebro"):
        registry.add_municipality(store, name)
    lead = registry.add_person(store, "Anna Berg", "Uppsala")
    review = reviews.create_review(
        store, host="Gävle", reviewing=["Uppsala", "Örebro"], template="kollegial-granskning-2013"
    )
    rid = review.id
    assert rid is not None and lead.id is not None
    reviews.assign(store, rid, lead.id, "lead")
    with store.atomic() as s:
        ivs = []
        for n in range(4):
            iv = Interview(
                review_id=rid,
                group_id="medarbetare",
                start=start + timedelta(days=7, hours=2 * n),
                minutes=90,
                place=f"Rum {n}",
                moderator_id=lead.id,
                created_at=start,
                updated_at=start,
            )
            s.add(iv)
            s.flush()
            ivs.append(iv.id)
        for n in range(NOTES):
            s.add(
                Note(
                    interview_id=ivs[n % 4],
                    question_id="styr-1",
                    text=f"Anteckning {n}: barnens röst hörs i budgetarbetet. " * 3,
                    author="Bo Ek",
                    created_at=start + timedelta(seconds=n),
                )
            )
    with store.read() as s:
        uid = s.get(Review, rid).uid  # type: ignore[union-attr]
    from sqlmodel import func, select

    while True:
        with store.read() as s:
            have = s.exec(select(func.count()).where(AuditEvent.chain == uid)).one()
        if have >= EVENTS:
            break
        with store.atomic() as s:
            for n in range(min(250, EVENTS - have)):
                record(
                    s,
                    store,
                    entity="interview",
                    action="edit",
                    review_id=rid,
                    interview_id=ivs[n % 4],
                    data={"fields": ["place", "start"]},
                    comment=f"flyttad till rum {n}",
                )
    store.dispose()
    return rid


def _peak(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def run() -> list[dict[str, Any]]:
    from granskning.services import exchange as transfer
    from granskning.storage import audit
    from granskning.storage.store import Store

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        url = f"sqlite:///{tmp / 'audit.db'}"
        rid = _populate(url)
        store = Store(url)
        try:
            checked = audit.verify_review(store, rid)
            assert checked["ok"] and checked["audit"]["events"] >= EVENTS, checked
            out = tmp / "export.json"

            def verify() -> None:
                audit.verify_review(store, rid)

            def export() -> None:
                transfer.export_review(store, rid, out)

            verify_s = time_call(verify, runs=5)
            export_s = time_call(export, runs=5)
            verify_mb = _peak(verify)
            export_mb = _peak(export)
        finally:
            store.dispose()
    what = f"review verify ({EVENTS} audit events, {NOTES} notes, SQLite)"
    return [
        row(what, verify_s, "review export of the same review", export_s, target=1.0),
        row(
            f"{what}: peak memory",
            verify_mb,
            "review export's peak",
            export_mb,
            target=1.0,
            unit="MiB",
        ),
    ]


if __name__ == "__main__":
    show(run())
