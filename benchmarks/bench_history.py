"""Benchmark of a municipality's history: does it stay fast in a database of all Sweden?

    python benchmarks/bench_history.py

Two SQLite databases with three rounds each, every review filled with interviews, rating
notes, findings, recommendations and checklist items (bulk-inserted): one of all 290
municipalities (870 reviews), and one of only 4 (12 reviews). ``municipality history``
of the same municipality (3 reviews hosted, 9 done) is timed in-process on both; the small
database is the baseline measured in the same run. The history reads the municipality's
own reviews by their indexes, so the ratio should stay near 1 (target <= 2x); the Word
document is timed beside it for scale.
"""

from __future__ import annotations

import random
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from benchmarks._util import row, show, time_call

ROUNDS = (2009, 2013, 2017)
PER_HOST = 3
INTERVIEWS = 8
RECOMMENDATIONS = 4
GROUPS = ["fortroendevalda", "ledande", "medarbetare", "barn-och-unga"]
WHO = "Kommun 000"


def _world(db: Path, municipalities: int) -> Any:
    """``municipalities`` members, three planned rounds, every review filled."""
    from granskning.services import registry, rounds
    from granskning.storage.store import Store

    store = Store(f"sqlite:///{db}")
    names = [f"Kommun {i:03d}" for i in range(municipalities)]
    for name in names:
        registry.add_municipality(store, name)
    for year in ROUNDS:
        made = rounds.create_round(
            store, year=year, theme=f"Tema {year}", template="kollegial-granskning-2013",
            members=names,
        )  # fmt: skip
        rounds.plan(store, made.id, PER_HOST)  # type: ignore[arg-type]
    _fill(store)
    return store


def _rows(review_ids: list[int], now: datetime, rnd: random.Random) -> dict[str, list[Any]]:
    """Findings, recommendations and their checklist items for every review."""
    from granskning.storage.model import new_uid

    out: dict[str, list[Any]] = {"findings": [], "recs": [], "items": []}
    for rid in review_ids:
        for block in ("styrprocesser", "inflytande", "framtid"):
            for kind in ("strength", "development"):
                out["findings"].append(
                    {"uid": new_uid(), "review_id": rid, "block_id": block, "kind": kind,
                     "text": f"En iakttagelse om {block} ({kind}).", "created_at": now}
                )  # fmt: skip
        for k in range(RECOMMENDATIONS):
            uid = new_uid()
            out["recs"].append(
                {"uid": uid, "review_id": rid, "block_id": "styrprocesser",
                 "text": f"Rekommendation {k}", "created_at": now}
            )  # fmt: skip
            out["items"].append(
                {"uid": new_uid(), "review_id": rid, "source": "recommendation",
                 "source_uid": uid, "text": f"Rekommendation {k}",
                 "status": rnd.choice(["done", "in_progress", "not_started", None]),
                 "created_at": now, "updated_at": now}
            )  # fmt: skip
    return out


def _fill(store: Any) -> None:
    from granskning.storage.model import (
        Finding,
        FollowUpItem,
        Interview,
        Note,
        Recommendation,
        Review,
        new_uid,
    )

    rnd = random.Random(7)
    now = datetime(2017, 3, 2, 8, 0, tzinfo=UTC)
    t = lambda m: m.__table__  # noqa: E731
    with store.engine.begin() as conn:
        review_ids = [r for (r,) in conn.execute(select(t(Review).c.id))]
        conn.execute(
            insert(t(Interview)),
            [
                {"uid": new_uid(), "review_id": rid, "group_id": GROUPS[i % 4],
                 "start": now + timedelta(hours=i), "minutes": 60, "place": "Rådhuset",
                 "state": "completed", "sequence": 0, "version": 1, "created_at": now,
                 "updated_at": now}
                for rid in review_ids
                for i in range(INTERVIEWS)
            ],
        )  # fmt: skip
        ivs = [iv for (iv,) in conn.execute(select(t(Interview).c.id))]
        conn.execute(
            insert(t(Note)),
            [
                {"uid": new_uid(), "interview_id": iv, "question_id": "infl-6",
                 "text": "skattning", "rating": rnd.randint(1, 4), "created_at": now}
                for iv in ivs
                for _ in range(3)
            ],
        )  # fmt: skip
        rows = _rows(review_ids, now, rnd)
        conn.execute(insert(t(Finding)), rows["findings"])
        conn.execute(insert(t(Recommendation)), rows["recs"])
        conn.execute(insert(t(FollowUpItem)), rows["items"])
        conn.execute(t(Review).update().values(state="followed_up"))


def run() -> list[dict[str, Any]]:
    """The figures: name, value, unit, baseline, ratio, target."""
    from granskning.services import history

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big = _world(folder / "big.db", 290)
        small = _world(folder / "small.db", 4)
        shown = history.history(big, WHO)
        hosted = sum(len(r["hosted"]) for r in shown["rounds"])
        done = sum(len(r["reviewed"]) for r in shown["rounds"])
        in_big = time_call(lambda: history.history(big, WHO), runs=15)
        in_small = time_call(lambda: history.history(small, WHO), runs=15)
        out = folder / "kommunhistorik.docx"
        docx = time_call(lambda: history.build_docx(big, WHO, out, "sv"), runs=3)
        big.dispose()
        small.dispose()
    what = f"{hosted} reviews hosted, {done} done"
    return [
        row(
            f"municipality history ({what}), 290 municipalities x 3 rounds",
            in_big,
            "the same history in a database of 4 municipalities",
            in_small,
            2.0,
        ),
        row(
            f"municipality history --docx ({what}), 290 municipalities x 3 rounds",
            docx,
            "the history's figures alone",
            in_big,
            None,
        ),
    ]


if __name__ == "__main__":
    show(run())
