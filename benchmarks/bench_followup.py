"""Benchmark: the seminar record (minnesanteckningar) of a large checklist vs its checklist.

A review with 60 recommendations (60 checklist items), each given a status twice (before
the seminar and at it, so the record reads a long audit log for the "before" column), and
20 participants. In the same run:

* ``seminar_record.build_minutes`` against ``followup.build_checklist`` of the same review
  (the baseline: the same items, the same renderer). Target: under 1.5 times the checklist.
* the SQL statements of building the record for that review against one with 3 items
  (target: equal; the record is read in a fixed number of queries).

    python benchmarks/bench_followup.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from benchmarks._util import cpu_time, row, show

ITEMS = 60
PARTICIPANTS = 20
REPEAT = 7
SEMINAR = "2026-09-15 13:00"


def make_review(store: Any, clock: Any, host: str, items: int) -> int:
    """A review of ``host`` handed over with ``items`` recommendations, its seminar held."""
    from sqlmodel import select

    from granskning.domain.timefmt import parse_local
    from granskning.services import findings, followup, registry, reviews, seminar_record
    from granskning.storage.model import Interview, InterviewState

    registry.add_municipality(store, host)
    lead = registry.add_person(store, f"Lead {host}", "Uppsala").id
    secretary = registry.add_person(store, f"Sekr {host}", "Örebro").id
    rid = reviews.create_review(
        store, host=host, reviewing=["Uppsala", "Örebro"], template="kollegial-granskning-2013"
    ).id
    reviews.assign(store, rid, lead, "lead")
    reviews.assign(store, rid, secretary, "secretary")
    now = store.now()
    with store.atomic() as s:
        s.add(
            Interview(
                review_id=rid, group_id="fortroendevalda", start=now, minutes=60,
                state=InterviewState.scheduled.value, moderator_id=lead,
                note_taker_id=secretary, created_at=now, updated_at=now,
            )
        )  # fmt: skip
    reviews.advance(store, rid, "confirm_schedule")
    reviews.advance(store, rid, "start_visit")
    with store.atomic() as s:
        for iv in s.exec(select(Interview).where(Interview.review_id == rid)).all():
            iv.state = InterviewState.completed.value
            s.add(iv)
    reviews.advance(store, rid, "finish_visit")
    for section in ("summary", "reflections"):
        findings.set_text(store, rid, section, "Text.")
    for block in ("styrprocesser", "inflytande", "framtid"):
        findings.mark_no_findings(store, rid, block)
    for n in range(items):
        findings.add_recommendation(store, rid, f"Rekommendation {n + 1} om barnets rättigheter.")
    reviews.advance(store, rid, "hand_over")
    followup.schedule(store, rid, parse_local(SEMINAR), "Stadshuset")
    live = [i for i in followup.items(store, rid) if i["merged_into"] is None]
    for item in live:
        followup.record_status(store, rid, item["id"], "not_started")
    clock.now = parse_local(SEMINAR)
    for item in live:
        followup.record_status(
            store, rid, item["id"], "in_progress", responsible="Chef", deadline="2026-12-31"
        )
    seminar_record.set_participants(
        store, rid, [f"Deltagare {n}, {host}" for n in range(PARTICIPANTS)]
    )
    seminar_record.set_next_steps(store, rid, "- Nästa steg")
    return rid


class _Clock:
    """A clock moved by hand (to the seminar's start)."""

    def __init__(self, now: Any) -> None:
        self.now = now

    def __call__(self) -> Any:
        return self.now


def _best(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = cpu_time()
        fn()
        times.append(cpu_time() - t0)
    return min(times)


def run() -> list[dict[str, Any]]:
    from granskning.domain.i18n import set_language
    from granskning.domain.timefmt import parse_local
    from granskning.services import followup, registry, seminar_record
    from granskning.storage.store import Store

    set_language("sv")
    with tempfile.TemporaryDirectory() as folder:
        clock = _Clock(parse_local("2026-03-01 09:00"))
        store = Store(f"sqlite:///{Path(folder) / 'bench.db'}", clock=clock, actor="bench")
        registry.add_municipality(store, "Uppsala")
        registry.add_municipality(store, "Örebro")
        big = make_review(store, clock, "Gävle", ITEMS)
        clock.now = parse_local("2026-03-01 09:00")
        small = make_review(store, clock, "Borlänge", 3)
        out = Path(folder) / "out.docx"

        def record() -> Path:
            return seminar_record.build_minutes(store, big, out)

        def checklist() -> Path:
            return followup.build_checklist(store, big, out)

        record()  # warm up: imports, template check cache
        checklist()
        baseline = value = float("inf")
        for _ in range(REPEAT):
            baseline = min(baseline, _best(checklist, 1))
            value = min(value, _best(record, 1))
        counts = []
        for rid in (big, small):
            with store.counting_statements() as count:
                seminar_record.build_minutes(store, rid, out)
            counts.append(int(count[0]))
        store.dispose()
    return [
        row(
            f"seminar record, {ITEMS} items, {PARTICIPANTS} participants vs its checklist",
            value,
            "the same review's checklist (same items, same renderer)",
            baseline,
            1.5,
            "s (CPU)",
            digits=3,
        ),
        row(
            "seminar record SQL statements, 60 items vs 3 items",
            counts[0],
            "statements for a review with 3 items",
            counts[1],
            1.0,
            "statements",
        ),
    ]


if __name__ == "__main__":
    show(run())
