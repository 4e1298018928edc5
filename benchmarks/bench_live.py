"""The live session under load: note-takers and listening pages over HTTP, on a real server.

    python -m benchmarks live        (or: python benchmarks/bench_live.py)

30 simulated note-takers on 10 running interviews (3 on each, each with an account and a
logged-in session) write 20 notes each through ``POST /interviews/{id}/notes`` (JSON, a
UUID made by the client); every fifth note is POSTed twice, as a client that lost the
answer would. 10 pages per interview follow ``/interviews/{id}/events`` (server-sent
events) meanwhile. Once against one server process on SQLite, once against
``granskning serve --workers 2`` on PostgreSQL (left out when no server answers). Loopback
only; the run ends by itself (a deadline bounds every wait).

Figures: notes lost (answered but not stored) and duplicates (stored twice) - both must be
0; every page got every note once; the note POST's p50 and p99; and the delivery latency of
a note to the pages, from the POST's answer to a page's receipt of the note's event, p95
(target < 500 ms) and p99. Beside them, the baseline measured in the same run on the same
database: a bare ``INSERT`` of one row through SQLAlchemy in its own transaction.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks._util import row, show

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_web import _percentile, _serving  # noqa: E402

INTERVIEWS = 10
TAKERS = 3  # note-takers per interview
NOTES = 20  # notes per note-taker
LISTENERS = 10  # pages following each interview
RETRIED = 5  # every RETRIED-th note is POSTed a second time
PACE_S = (0.1, 0.5)  # a note-taker's pause between notes: uniform in this range (seeded)
RECONNECT_S = 1.0  # a broken stream is opened again after this pause
BARE_INSERTS = 300
DEADLINE_S = 120  # no phase of a run waits longer than this
PASSWORD = "bänkens-lösenord-2026"
PG_URL = os.environ.get(
    "GRANSKNING_BENCH_PG",
    "postgresql+psycopg://root@/granskning_bench_live?host=/var/run/postgresql",
)
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


# -- the world, through the services ---------------------------------------------------------------


def _world(url: str) -> dict[int, list[str]]:
    """A review being visited with INTERVIEWS started sessions and TAKERS reviewers with an
    account on each; each interview's id with its note-takers' e-mail addresses."""
    from granskning.services import accounts, interviews, registry, reviews, sessions
    from granskning.storage.store import Store

    store = Store(url, actor="bench")
    for name in ("Gävle", "Uppsala", "Örebro"):
        registry.add_municipality(store, name)
    lead = registry.add_person(store, "Anna Berg", "Uppsala")
    review = reviews.create_review(
        store, host="Gävle", reviewing=["Uppsala", "Örebro"], template="kollegial-granskning-2013"
    )
    rid: int = review.id  # type: ignore[assignment]
    secretary = registry.add_person(store, "Bo Ek", "Örebro")
    reviews.assign(store, rid, lead.id, "lead")  # type: ignore[arg-type]
    reviews.assign(store, rid, secretary.id, "secretary")  # type: ignore[arg-type]
    takers: list[str] = []
    for n in range(INTERVIEWS * TAKERS):
        person = registry.add_person(store, f"Granskare {n}", ("Uppsala", "Örebro")[n % 2])
        reviews.assign(store, rid, person.id, "reviewer")  # type: ignore[arg-type]
        email = f"granskare{n}@example.se"
        accounts.add_user(store, email, person.id, PASSWORD)  # type: ignore[arg-type]
        takers.append(email)
    start = datetime.now(UTC) + timedelta(days=1)
    ids = []
    for i in range(INTERVIEWS):
        iv = interviews.add_interview(
            store,
            rid,
            group="fortroendevalda",
            start=start + timedelta(hours=2 * i),
            minutes=90,
            moderator=lead.id,
            note_taker=secretary.id,
        )
        ids.append(iv.id)
    reviews.advance(store, rid, "confirm_schedule")
    for iv_id in ids:
        sessions.start(store, iv_id)  # type: ignore[arg-type]
    store.dispose()
    return {iv: takers[k * TAKERS : (k + 1) * TAKERS] for k, iv in enumerate(ids)}  # type: ignore[misc]


def _bare_inserts(url: str) -> list[float]:
    """Seconds of each of BARE_INSERTS single-row INSERTs through SQLAlchemy, each its own
    transaction, into a table of its own on the same database (with the store's settings)."""
    from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, insert

    from granskning.storage.store import Store

    store = Store(url, actor="bench")
    table = Table(
        "bench_bare_insert",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("uid", String(32), unique=True),
        Column("text", String),
        Column("created_at", DateTime(timezone=True)),
    )
    table.create(store.engine, checkfirst=True)
    times = []
    for i in range(BARE_INSERTS + 20):
        row = {"uid": uuid.uuid4().hex, "text": f"bar anteckning {i}", "created_at": store.now()}
        began = time.perf_counter()
        with store.engine.begin() as conn:
            conn.execute(insert(table), row)
        if i >= 20:  # the first ones warm up
            times.append(time.perf_counter() - began)
    table.drop(store.engine)
    store.dispose()
    return times


def _stored(url: str, interview_ids: list[int]) -> Counter[str]:
    """How many times each uid is stored among the notes of the interviews."""
    from sqlmodel import col, select

    from granskning.storage.model import Note
    from granskning.storage.store import Store

    store = Store(url)
    with store.read() as s:
        uids = s.exec(select(Note.uid).where(col(Note.interview_id).in_(interview_ids))).all()
    store.dispose()
    return Counter(uids)


# -- the clients ----------------------------------------------------------------------------------


@dataclass
class _Run:
    """What the clients saw, with perf_counter times."""

    answered: dict[str, float] = field(default_factory=dict)  # uid -> first answer's time
    of_interview: dict[int, set[str]] = field(default_factory=dict)  # interview -> uids sent
    post_s: list[float] = field(default_factory=list)  # every POST's answer time
    statuses: Counter[int] = field(default_factory=Counter)
    broken: Counter[str] = field(default_factory=Counter)  # streams that broke, and how
    # (interview, listener) -> uid -> times it came, and when it first came
    received: dict[tuple[int, int], Counter[str]] = field(default_factory=dict)
    arrival: list[tuple[str, float]] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds: clients, server
    progress: asyncio.Event = field(default_factory=asyncio.Event)  # a page got a note

    def complete(self) -> bool:
        """Whether every page has every note of its interview sent so far."""
        return all(set(got) >= self.of_interview[iv] for (iv, _k), got in self.received.items())


async def _log_in(url: str, email: str) -> tuple[dict[str, str], str]:
    """A session of ``email``: its cookies and its CSRF token."""
    import httpx

    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        token = _TOKEN.search((await client.get("/login")).text)
        assert token, "no CSRF token on the login page"
        form = {"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
        answer = await client.post("/login", data=form)
        assert answer.status_code == 303, answer.text[:300]
        csrf = _TOKEN.search((await client.get("/")).text)
        assert csrf, "no CSRF token once logged in"
        return dict(client.cookies.items()), csrf.group(1)


async def _follow(
    client: Any, iv: int, last_id: str | None, got: Counter[str], run: _Run, ready: asyncio.Event
) -> str | None:
    """Read ``/interviews/{iv}/events`` from ``last_id`` until the stream ends; the last
    event id read."""
    headers = {"last-event-id": last_id} if last_id else {}
    async with client.stream("GET", f"/interviews/{iv}/events", headers=headers) as stream:
        assert stream.status_code == 200, stream.status_code
        fields: dict[str, str] = {}
        async for line in stream.aiter_lines():
            if line:
                name, _sep, value = line.partition(":")
                fields[name] = value.strip()
                continue
            if fields.get("event") == "state":
                ready.set()
            elif fields.get("event") == "change":
                change = json.loads(fields["data"])
                if change["kind"] == "note":
                    got[change["what"]] += 1
                    run.arrival.append((change["what"], time.perf_counter()))
                    run.progress.set()
            last_id = fields.get("id", last_id)
            fields = {}
    return last_id


async def _listen(
    url: str, cookies: dict[str, str], iv: int, key: int, run: _Run, ready: asyncio.Event
) -> None:
    """One page following ``/interviews/{iv}/events`` as a browser does: when the stream
    breaks it connects again with ``Last-Event-ID`` (until it is cancelled)."""
    import httpx

    got = run.received.setdefault((iv, key), Counter())
    last_id: str | None = None
    async with httpx.AsyncClient(base_url=url, cookies=cookies, timeout=None) as client:
        while True:
            try:
                last_id = await _follow(client, iv, last_id, got, run, ready)
            except httpx.HTTPError as exc:
                run.broken[f"stream: {type(exc).__name__}"] += 1
            else:
                run.broken["stream: ended"] += 1
            await asyncio.sleep(RECONNECT_S)  # as a browser does (the stream's retry:)


async def _write(
    url: str, session: tuple[dict[str, str], str], iv: int, rnd: random.Random, run: _Run
) -> None:
    """One note-taker: NOTES notes on the current question, every RETRIED-th sent twice."""
    import httpx

    cookies, csrf = session
    headers = {"accept": "application/json", "x-csrf-token": csrf}
    async with httpx.AsyncClient(base_url=url, cookies=cookies, headers=headers, timeout=60) as c:
        for n in range(NOTES):
            await asyncio.sleep(rnd.uniform(*PACE_S))
            uid = str(uuid.UUID(int=rnd.getrandbits(128), version=4))
            run.of_interview[iv].add(uid.replace("-", ""))
            form = {"question": "styr-1", "text": f"Anteckning {n} i samtal {iv}", "uuid": uid}
            for attempt in range(2 if n % RETRIED == 0 else 1):
                began = time.perf_counter()
                answer = await _post(c, f"/interviews/{iv}/notes", form, run)
                answered = time.perf_counter()
                run.post_s.append(answered - began)
                run.statuses[answer.status_code] += 1
                if answer.status_code in (200, 201) and attempt == 0:
                    run.answered[answer.json()["uid"]] = answered


async def _post(client: Any, path: str, form: dict[str, str], run: _Run) -> Any:
    """POST ``form``, again (the same note, the same UUID) while the connection breaks:
    uvicorn's supervisor restarts a worker that misses its health check on a busy machine."""
    import httpx

    for _attempt in range(5):
        try:
            return await client.post(path, data=form)
        except httpx.TransportError as exc:
            run.broken[f"POST: {type(exc).__name__}"] += 1
    return await client.post(path, data=form)


async def _load(url: str, world: dict[int, list[str]]) -> _Run:
    """Log the note-takers in, open the pages, write the notes, wait for the pages."""
    run = _Run()
    emails = [email for takers in world.values() for email in takers]
    session_of = {e: await _log_in(url, e) for e in emails}  # one at a time: Argon2 is slow
    readies: list[asyncio.Event] = []
    listeners = []
    for iv, takers in world.items():
        run.of_interview[iv] = set()
        for key in range(LISTENERS):
            readies.append(asyncio.Event())
            cookies = session_of[takers[key % TAKERS]][0]
            listeners.append(asyncio.create_task(_listen(url, cookies, iv, key, run, readies[-1])))
    async with asyncio.timeout(DEADLINE_S):
        await asyncio.gather(*(r.wait() for r in readies))
    rnd = random.Random(20260302)
    writers = [
        _write(url, session_of[email], iv, random.Random(rnd.random()), run)
        for iv, takers in world.items()
        for email in takers
    ]
    async with asyncio.timeout(DEADLINE_S):
        await asyncio.gather(*writers)
    try:
        async with asyncio.timeout(DEADLINE_S / 4):
            while not run.complete():
                await run.progress.wait()
                run.progress.clear()
    except TimeoutError:  # counted as notes the pages missed
        pass
    for task in listeners:
        task.cancel()
    await asyncio.gather(*listeners, return_exceptions=True)
    return run


# -- the figures ----------------------------------------------------------------------------------


def _value_row(
    name: str, value: float, unit: str, base_name: str, base: float, target: float | None
) -> dict[str, Any]:
    return row(name, round(value, 2), base_name, round(base, 3), target, unit, target_kind="value")


_BARE = "bare INSERT of a row through SQLAlchemy, {}"


def _p(values: list[float], q: float) -> float:
    """The ``q`` percentile of ``values`` (seconds) in milliseconds; NaN for none."""
    return _percentile(values, q) if values else float("nan")


def _figures(
    label: str, url: str, run: _Run, bare: list[float], wall: float
) -> list[dict[str, Any]]:
    """The rows of one run: integrity first, then the latencies beside the bare insert."""
    sent = set().union(*run.of_interview.values())
    stored = _stored(url, list(run.of_interview))
    lost = len([uid for uid in run.answered if uid not in stored])
    held_lost = len(sent - set(stored))
    duplicates = sum(n - 1 for n in stored.values()) + len(set(stored) - sent)
    expected = sum(len(run.of_interview[iv]) for iv, _key in run.received)
    pages_missed = sum(
        len(run.of_interview[iv] - set(got)) for (iv, _key), got in run.received.items()
    )
    pages_twice = sum(n - 1 for got in run.received.values() for n in got.values())
    delivery = [max(0.0, at - run.answered[uid]) for uid, at in run.arrival if uid in run.answered]
    posts = sum(run.statuses.values())
    what = (
        f"{label}: {len(sent)} notes, {posts} POSTs ({dict(sorted(run.statuses.items()))}), "
        f"{len(run.received)} pages, {wall:.1f} s, CPU s: "
        f"{', '.join(f'{k} {v:.1f}' for k, v in run.cpu.items())}, "
        f"broken connections: {dict(run.broken)}"
    )
    return [
        _value_row(f"{what}; notes lost (written or answered, not stored)", lost + held_lost, "notes",
                   "notes answered", len(run.answered), 0),
        _value_row(f"{label}: notes stored twice", duplicates, "notes", "notes stored",
                   sum(stored.values()), 0),
        _value_row(f"{label}: note events the pages missed or got twice", pages_missed + pages_twice,
                   "events", "events due", expected, 0),
        _value_row(f"{label}: note POST p50", _p(run.post_s, 0.50), "ms", _BARE.format("p50"),
                   _p(bare, 0.50), None),
        _value_row(f"{label}: note POST p99", _p(run.post_s, 0.99), "ms", _BARE.format("p99"),
                   _p(bare, 0.99), None),
        _value_row(f"{label}: delivery to the pages p95 ({len(delivery)} receipts)",
                   _p(delivery, 0.95), "ms", _BARE.format("p95"), _p(bare, 0.95), 500),
        _value_row(f"{label}: delivery to the pages p99", _p(delivery, 0.99), "ms",
                   _BARE.format("p99"), _p(bare, 0.99), None),
    ]  # fmt: skip


def _one(label: str, url: str, workers: int) -> list[dict[str, Any]]:
    world = _world(url)
    command = [sys.executable, "-m", "granskning", "--db", url, "serve"]
    command += ["--workers", str(workers), "--port"]
    server_cpu = _children_cpu()
    with _serving(command) as site:
        bare = _bare_inserts(url)
        began, client_cpu = time.perf_counter(), _own_cpu()
        run = asyncio.run(_load(site, world))
        run.cpu = {"clients": _own_cpu() - client_cpu}
        wall = time.perf_counter() - began
    run.cpu["server"] = _children_cpu() - server_cpu  # its start and the logins included
    return _figures(label, url, run, bare, wall)


def _own_cpu() -> float:
    import resource

    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def _children_cpu() -> float:
    """CPU seconds of the finished child processes (a server, once stopped; its workers)."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime


def _fresh_pg() -> str | None:
    """An empty PostgreSQL database of PG_URL; None when no server answers."""
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


def run() -> list[dict[str, Any]]:
    """Every figure of this topic."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="granskning-bench-") as tmp:
        rows += _one("SQLite, 1 process", f"sqlite:///{Path(tmp) / 'live.db'}", 1)
    pg = _fresh_pg()
    if pg is not None:
        try:
            rows += _one("PostgreSQL, 2 workers", pg, 2)
        finally:
            _drop_pg()
    return rows


if __name__ == "__main__":
    show(run())
