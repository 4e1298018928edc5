"""Full-text search on a partnership's worth of reviews: 290 municipalities x 3 rounds.

    python benchmarks/bench_search.py [--notes N] [--full] [--backend sqlite|postgresql]

Bulk-generated notes (100,000 by default, so that it runs in about a minute; ``--full``:
the issue's 1,000,000), each 12-40 words drawn from a Swedish vocabulary with the long tail
real texts have. The same run first measures a tenth of that, to show how it scales.
Figures, each beside its baseline from the same run:
- ``search`` p95 (through the service, 20 hits with snippets) for single-word and for
  phrase queries, beside a bare ``SELECT count(*)`` on the notes table;
- the index size, beside the size of the notes' text;
- ``note add`` p99 through the engine with the full index, beside a bare insert + commit.
PostgreSQL runs where a server answers (``GRANSKNING_BENCH_PG``, default the local socket).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

MUNICIPALITIES = 290
ROUNDS = 3
INTERVIEWS = 4  # per review
NOTES = 100_000
FULL = 1_000_000
RUNS = 15  # per query
PG_URL = os.environ.get(
    "GRANSKNING_BENCH_PG",
    "postgresql+psycopg://root@/granskning_bench_search?host=/var/run/postgresql",
)

DOMAIN = (
    "barn unga barnen nämnden budgeten beslut kommunen förvaltningen skolan socialtjänsten "
    "fritid trygghet delaktighet inflytande uppföljning styrdokument ansvar prioritering "
    "samverkan kunskap utbildning chefer politiker medarbetare elevrådet ungdomsrådet "
    "återkoppling rättigheter barnkonventionen lagen tråden röda bästa barnets prövning "
    "barnkonsekvensanalyser indikatorer handlingsplan målen resurser föräldrar"
).split()
FILLER = "och att i det som på är för med inte av till en vi har de man så om".split()
SYLLABLES = "ka ri ben ström lo ve sta dal ås öv mark rät ing hem lid gå fors näs by".split()
# words at ranks 62, 215, 591, 2,548 and 4,468 of the vocabulary (in about 4 %, 1.2 %,
# 0.4 %, 0.1 % and 0.06 % of the notes)
SINGLE = ("barnen", "inflytande", "politiker", "barnkonsekvensanalyser", "föräldrar")
PHRASES = ('"barnets bästa"', '"röda tråden"', '"elevrådet får återkoppling"')


def _vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Words and cumulative weights (Zipf: the word at rank r is drawn in proportion to
    1/r): short common words first, the domain's words spread from rank 50 to rank 5,000
    (in 5 % to 0.05 % of the notes), then a long tail."""
    made = {"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(30_000)}
    words = FILLER + sorted(made - set(DOMAIN) - set(FILLER))
    rng.shuffle(words)
    words = FILLER + [w for w in words if w not in FILLER]
    for i, word in enumerate(DOMAIN):
        words.insert(int(50 * 100 ** (i / len(DOMAIN))), word)
    cum, total = [], 0.0
    for rank, _w in enumerate(words):
        total += 1.0 / (rank + 1)
        cum.append(total)
    return words, cum


def _texts(n: int, seed: int = 16) -> list[str]:
    rng = random.Random(seed)
    words, cum = _vocabulary(rng)
    out = []
    for _ in range(n):
        text = rng.choices(words, cum_weights=cum, k=rng.randint(12, 40))
        if rng.random() < 0.01:
            text.insert(rng.randrange(len(text)), "barnets bästa")
        if rng.random() < 0.005:
            text.insert(rng.randrange(len(text)), "elevrådet får återkoppling")
        out.append(" ".join(text).capitalize() + ".")
    return out


def _world(store: Any) -> int:
    """A review with a running interview (for ``note add``); returns the interview."""
    from granskning.services import interviews, registry, reviews, sessions

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
    iv = interviews.add_interview(
        store,
        rid,
        group="fortroendevalda",
        start=datetime.now(UTC) + timedelta(days=1),
        minutes=90,
        moderator=lead.id,
        note_taker=secretary.id,
    )
    reviews.advance(store, rid, "confirm_schedule")
    sessions.start(store, iv.id)  # type: ignore[arg-type]
    return iv.id  # type: ignore[return-value]


def _bulk(store: Any, notes: int) -> None:
    """290 municipalities x 3 rounds of closed reviews, 4 interviews each, ``notes`` notes."""
    from sqlalchemy import insert, select

    from granskning.storage.model import Interview, Municipality, Review, Round

    now = datetime(2026, 3, 2, tzinfo=UTC)
    with store.atomic() as s:
        pinned = s.exec(select(Review).limit(1)).scalars().one()  # type: ignore[call-overload]
        names = [f"Kommun {n:03d}" for n in range(MUNICIPALITIES)]
        s.execute(
            insert(Municipality),
            [{"name": m, "key": m.casefold(), "created_at": now} for m in names],
        )
        ids = [r for (r,) in s.execute(select(Municipality.id).where(Municipality.name.in_(names)))]
        rounds = []
        for year in (2007, 2009, 2013):
            row = Round(
                year=year,
                theme="Barnets bästa",
                template_name="kollegial-granskning-2013",
                created_at=now,
            )
            s.add(row)
            s.flush()
            rounds.append(row.id)
        fields = ("template_id", "template_version", "template_sha256", "template_content")
        s.execute(
            insert(Review),
            [
                {
                    "uid": uuid.uuid4().hex,
                    "host_id": m,
                    "round_id": r,
                    "state": "closed",
                    "created_at": now,
                    "updated_at": now,
                    **{f: getattr(pinned, f) for f in fields},
                }
                for r in rounds
                for m in ids
            ],
        )
        reviews = [r for (r,) in s.execute(select(Review.id).where(Review.round_id.in_(rounds)))]
        groups = ("fortroendevalda", "ledande", "medarbetare", "barn")
        s.execute(
            insert(Interview),
            [
                {
                    "uid": uuid.uuid4().hex,
                    "review_id": r,
                    "group_id": g,
                    "start": now,
                    "minutes": 60,
                    "state": "completed",
                    "created_at": now,
                    "updated_at": now,
                }
                for r in reviews
                for g in groups[:INTERVIEWS]
            ],
        )
        interviews = [
            i for (i,) in s.execute(select(Interview.id).where(Interview.review_id.in_(reviews)))
        ]
    _notes(store, interviews, notes, now)


def _notes(store: Any, interviews: list[int], notes: int, now: datetime) -> None:
    """``notes`` notes spread over ``interviews``, 20,000 a transaction; then the statistics
    and (PostgreSQL) visibility map of a database in use."""
    from sqlalchemy import insert

    from granskning.storage.model import Note

    questions = ("styr-1", "styr-2", "infl-1", "infl-2", "framtid-1")
    texts = _texts(notes)
    for start in range(0, notes, 20_000):
        with store.atomic() as s:
            s.execute(
                insert(Note),
                [
                    {
                        "uid": uuid.uuid4().hex,
                        "interview_id": interviews[n % len(interviews)],
                        "question_id": questions[n % len(questions)],
                        "text": texts[n],
                        "created_at": now,
                    }
                    for n in range(start, min(notes, start + 20_000))
                ],
            )
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE" if store.is_sqlite else "VACUUM ANALYZE")


def _p(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


def _timed(fn: Callable[[], Any], runs: int) -> list[float]:
    fn()  # warm up
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _searches(store: Any, queries: tuple[str, ...]) -> tuple[list[float], dict[str, int]]:
    from granskning.services import search as lib

    times: list[float] = []
    hits = {}
    for q in queries:
        hits[q] = _matches(store, q)
        times += _timed(lambda q=q: lib.search(store, q, limit=20), RUNS)
    return times, hits


def _matches(store: Any, query: str) -> int:
    """How many notes match ``query``."""
    from granskning.domain import search as syntax

    tree = syntax.parse(query)
    if store.is_sqlite:
        sql, match = "SELECT count(*) FROM search_note WHERE search_note MATCH ?", syntax.fts5(tree)
    else:
        sql = "SELECT count(*) FROM note WHERE search @@ to_tsquery('swedish', %s)"
        match = syntax.tsquery(tree)
    with store.engine.connect() as conn:
        return int(conn.exec_driver_sql(sql, (match,)).scalar() or 0)


def _count(store: Any) -> list[float]:
    def count() -> None:
        with store.engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM note").scalar()

    return _timed(count, RUNS * 3)


def _note_add(store: Any, iv: int, n: int = 1_000) -> tuple[float, float, float, float]:
    """p99 and p50 of ``note add`` through the service in process and of a bare insert +
    commit (the index's trigger or generated column included), in ms."""
    from granskning.services import sessions
    from granskning.storage.model import Note

    texts = _texts(n, seed=99)
    engine = _timed_each(lambda i: sessions.add_note(store, iv, "styr-1", texts[i]), n)

    def bare(i: int) -> None:
        with store.atomic() as s:
            s.add(
                Note(interview_id=iv, question_id="styr-1", text=texts[i], created_at=store.now())
            )

    plain = _timed_each(bare, n)
    return _p(engine, 0.99), _p(plain, 0.99), _p(engine, 0.5), _p(plain, 0.5)


def _timed_each(fn: Callable[[int], Any], n: int) -> list[float]:
    for i in range(20):
        fn(i)
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        out.append(time.perf_counter() - t0)
    return out


def _one(url: str, notes: int, label: str) -> dict[str, Any]:
    from granskning.services import search as lib
    from granskning.storage.store import Store

    store = Store(url, actor="bench")
    before = os.getloadavg()[0]
    try:
        iv = _world(store)
        t0 = time.perf_counter()
        _bulk(store, notes)
        load = time.perf_counter() - t0
        single, single_hits = _searches(store, SINGLE)
        phrase, phrase_hits = _searches(store, PHRASES)
        count = _count(store)
        size = lib.index_size(store)
        with store.engine.connect() as conn:
            text_bytes = conn.exec_driver_sql("SELECT sum(length(text)) FROM note").scalar()
        add, bare, add50, bare50 = _note_add(store, iv)
    finally:
        store.dispose()
    return {
        "backend": label,
        "notes": notes,
        "load_s": round(load, 1),
        "single_p95_ms": round(_p(single, 0.95), 2),
        "phrase_p95_ms": round(_p(phrase, 0.95), 2),
        "count_p95_ms": round(_p(count, 0.95), 2),
        "hits": {**single_hits, **phrase_hits},
        "index_bytes": size["bytes"],
        "text_bytes": int(text_bytes or 0),
        "note_add_p99_ms": round(add, 3),
        "bare_insert_p99_ms": round(bare, 3),
        "note_add_p50_ms": round(add50, 3),
        "bare_insert_p50_ms": round(bare50, 3),
        # the machine's 1-minute load average when the run began and ended
        "load": [round(before, 2), round(os.getloadavg()[0], 2)],
    }


def _pg_fresh() -> str | None:
    """An empty PostgreSQL benchmark database, or None when no server answers."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    try:
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
        admin.dispose()
    except Exception:  # noqa: BLE001  (no server: the SQLite figures stand alone)
        return None
    return PG_URL


def measure(notes: int, backends: tuple[str, ...]) -> list[dict[str, Any]]:
    """The raw figures at a tenth of ``notes`` and at ``notes``, per backend."""
    out = []
    for backend in backends:
        for size in (notes // 10, notes):
            if backend == "sqlite":
                with tempfile.TemporaryDirectory(prefix="granskning-bench-") as tmp:
                    out.append(_one(f"sqlite:///{Path(tmp) / 'search.db'}", size, "sqlite"))
            else:
                url = _pg_fresh()
                if url is None:
                    break
                out.append(_one(url, size, "postgresql"))
    return out


def rows(figures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Result rows (figure, baseline, ratio, target) for the full-size runs."""
    out = []
    small = {f["backend"]: f for f in figures[::2]}
    for f in figures[1::2]:
        b, n = f["backend"], f"{f['notes']:,} notes"
        scale = small[b]["notes"]
        for kind, what in (("single", "single-word queries"), ("phrase", "phrase queries")):
            out.append(
                {
                    "name": f"search p95, {what} ({b}, {n}; "
                    f"{small[b][kind + '_p95_ms']} ms at {scale:,})",
                    "value": f[f"{kind}_p95_ms"],
                    "unit": "ms",
                    "baseline_name": "SELECT count(*) FROM note, p95",
                    "baseline": f["count_p95_ms"],
                    "ratio": round(f[f"{kind}_p95_ms"] / max(f["count_p95_ms"], 1e-6), 2),
                    "target": 50,
                    "target_kind": "value",
                    "ok": f[f"{kind}_p95_ms"] < 50,
                }
            )
        out.append(
            {
                "name": f"index size ({b}, {n})",
                "value": f["index_bytes"],
                "unit": "bytes",
                "baseline_name": "the notes' text",
                "baseline": f["text_bytes"],
                "ratio": round(f["index_bytes"] / max(f["text_bytes"], 1), 2),
                "target": None,
            }
        )
        out.append(
            {
                "name": f"note add p99 with the index ({b}, {n}; p50 {f['note_add_p50_ms']} "
                f"ms beside {f['bare_insert_p50_ms']} ms; load {f['load']})",
                "value": f["note_add_p99_ms"],
                "unit": "ms",
                "baseline_name": "bare insert + commit, p99",
                "baseline": f["bare_insert_p99_ms"],
                "ratio": round(f["note_add_p99_ms"] / max(f["bare_insert_p99_ms"], 1e-6), 2),
                "target": 5,
                "target_kind": "value",
                "ok": f["note_add_p99_ms"] < 5,
            }
        )
    return out


def run(
    notes: int = NOTES, backends: tuple[str, ...] = ("sqlite", "postgresql")
) -> list[dict[str, Any]]:
    """Every figure of this topic."""
    return rows(measure(notes, backends))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=NOTES)
    parser.add_argument("--full", action="store_true", help=f"{FULL:,} notes")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), action="append")
    args = parser.parse_args(argv)
    figures = measure(
        FULL if args.full else args.notes, tuple(args.backend or ("sqlite", "postgresql"))
    )
    print(json.dumps({"figures": figures, "rows": rows(figures)}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
