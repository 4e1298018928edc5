"""Processes that write at once, and processes killed mid-write: the reliability harness.

Used by tests/integration/test_concurrency.py (correctness) and benchmarks/bench_reliability.py (the
figures). Writers are forked, so they start in milliseconds with everything imported, and
each opens its own connection, as a separate program would.

Notes are written through the real command, ``granskning note add INTERVIEW --question QID
--text TEXT --json``, run in-process in the writer (the id is read from its JSON output).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import sqlite3
import statistics
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from granskning.storage.store import Store

# A small pinned template: reviews here are made by the hundred, and the guards read it.
TINY_TEMPLATE = """\
id: tiny
version: "1"
title: Liten mall
groups:
  - id: medarbetare
    label: {sv: Medarbetare, en: Staff}
blocks:
  - id: b1
    title: Block
    minutes: 30
    questions:
      - id: q1
        text: Hur går det?
        groups: [medarbetare]
"""
QUESTION = "q1"


# -- set-up ------------------------------------------------------------------------------------


def make_reviews(store: Store, n: int, state: str = "planned") -> list[int]:
    """``n`` reviews of Gävle by Uppsala pinning the tiny template, in one transaction."""
    import hashlib

    from granskning.storage.audit import record
    from granskning.storage.model import Municipality, Review, ReviewingMunicipality

    now = store.now()
    with store.atomic() as s:
        ids = {}
        for name in ("Gävle", "Uppsala"):
            row = s.execute(select(Municipality.id).where(Municipality.key == name.casefold()))
            found = row.scalar()
            if found is None:
                m = Municipality(name=name, key=name.casefold(), created_at=now)
                s.add(m)
                s.flush()
                found = m.id
            ids[name] = found
        out = []
        for _i in range(n):
            review = Review(
                host_id=ids["Gävle"],
                state=state,
                template_id="tiny",
                template_version="1",
                template_sha256=hashlib.sha256(TINY_TEMPLATE.encode()).hexdigest(),
                template_content=TINY_TEMPLATE,
                created_at=now,
                updated_at=now,
            )
            s.add(review)
            s.flush()
            s.add(ReviewingMunicipality(review_id=review.id, municipality_id=ids["Uppsala"]))
            record(s, store, entity="review", action="create", review_id=review.id, to_state=state)
            out.append(review.id)
    return out  # type: ignore[return-value]


def make_note_target(store: Store) -> int:
    """A review being visited with one running interview; its id."""
    from granskning.storage.audit import record
    from granskning.storage.model import Interview, Person

    (rid,) = make_reviews(store, 1, state="visiting")
    now = store.now()
    with store.atomic() as s:
        from granskning.storage.model import Municipality

        uppsala = s.execute(select(Municipality.id).where(Municipality.key == "uppsala")).scalar()
        staff = []
        for name in ("Anna Berg", "Bo Ek"):
            p = Person(name=name, municipality_id=uppsala, created_at=now)  # type: ignore[arg-type]
            s.add(p)
            s.flush()
            staff.append(p.id)
        iv = Interview(
            review_id=rid,
            group_id="medarbetare",
            start=now,
            minutes=600,
            state="running",
            moderator_id=staff[0],
            note_taker_id=staff[1],
            created_at=now,
            updated_at=now,
        )
        s.add(iv)
        s.flush()
        record(s, store, entity="interview", action="start", review_id=rid, interview_id=iv.id)
        assert iv.id is not None
        return iv.id


# -- writing one note --------------------------------------------------------------------------


def write_note(store: Store, interview_id: int, text: str) -> int:
    """Add a note the way a user does; the new note's id. Raises on any failure, with what
    the user would have seen."""
    from click.testing import CliRunner

    from granskning.cli import cli
    from granskning.cli._base import App

    result = CliRunner().invoke(
        cli,
        ["--lang", "en", "note", "add", str(interview_id), "--question", QUESTION,
         "--text", text, "--json"],
        obj=App(_store=store),
        catch_exceptions=True,
    )  # fmt: skip
    if result.exit_code != 0:
        raise UserVisibleError(result.exit_code, result.stderr or repr(result.exception))
    return int(json.loads(result.stdout)["id"])


class UserVisibleError(Exception):
    """A write that failed the way a user would see it: an exit code and a message."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"exit {code}: {message}")
        self.code = code


# -- many writers at once -------------------------------------------------------------------


@dataclass
class WriterReport:
    written: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    retries: int = 0
    worst_retry_wait: float = 0.0


def _note_writer(url: str, interview_id: int, count: int, name: str, start: Any, out: Any) -> None:
    report = WriterReport()
    try:
        store = Store(url, actor=name)
        start.wait()
        for i in range(count):
            began = time.perf_counter()
            try:
                report.written.append(write_note(store, interview_id, f"{name} note {i}"))
            except Exception as exc:  # noqa: BLE001  (counted: no error may reach a user)
                report.errors.append(str(exc).splitlines()[0] if str(exc) else repr(exc))
            report.latencies.append(time.perf_counter() - began)
        report.retries = store.stats.retries
        report.worst_retry_wait = store.stats.worst_wait_s
        store.dispose()
    except Exception as exc:  # noqa: BLE001
        report.errors.append(f"writer failed: {exc!r}")
    out.put(report.__dict__)


def concurrent_notes(
    store: Store, interview_id: int, processes: int = 4, per_process: int = 500
) -> dict[str, Any]:
    """``processes`` writers adding ``per_process`` notes each to one interview at once."""
    ctx = multiprocessing.get_context("fork")
    start = ctx.Barrier(processes + 1)
    out = ctx.Queue()
    store.dispose()  # nothing pooled crosses the fork
    procs = [
        ctx.Process(
            target=_note_writer,
            args=(store.url, interview_id, per_process, f"writer{i}", start, out),
        )
        for i in range(processes)
    ]
    for p in procs:
        p.start()
    start.wait()
    began = time.perf_counter()
    reports = [out.get(timeout=300) for _ in procs]
    elapsed = time.perf_counter() - began
    for p in procs:
        p.join(60)
    latencies = sorted(x for r in reports for x in r["latencies"])
    written = [i for r in reports for i in r["written"]]
    return {
        "processes": processes,
        "written": written,
        "errors": [e for r in reports for e in r["errors"]],
        "exit_codes": [p.exitcode for p in procs],
        "seconds": elapsed,
        "notes_per_second": len(written) / elapsed if elapsed else 0.0,
        "retries": sum(r["retries"] for r in reports),
        "worst_retry_wait_s": max(r["worst_retry_wait"] for r in reports),
        "worst_call_s": latencies[-1] if latencies else 0.0,
        "median_call_s": statistics.median(latencies) if latencies else 0.0,
        "p99_call_s": latencies[int(len(latencies) * 0.99) - 1] if latencies else 0.0,
    }


def count_notes(store: Store, interview_id: int) -> int:
    from granskning.storage.model import Note

    with store.engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(Note).where(Note.interview_id == interview_id)
            ).scalar_one()
        )


# -- racing a transition -----------------------------------------------------------------------


def _racer(url: str, review_ids: list[int], name: str, start: Any, out: Any) -> None:
    from click.testing import CliRunner

    from granskning.cli import cli
    from granskning.cli._base import App

    store = Store(url, actor=name)
    results = []
    for rid in review_ids:
        start.wait()
        r = CliRunner().invoke(
            cli,
            ["--lang", "en", "review", "advance", str(rid), "cancel", "--reason", f"by {name}"],
            obj=App(_store=store),
            catch_exceptions=True,
        )
        results.append((rid, r.exit_code, r.stderr, repr(r.exception) if r.exception else None))
    store.dispose()
    out.put((name, results))


def race(store: Store, review_ids: list[int], racers: int = 2) -> dict[str, list[Any]]:
    """``racers`` processes taking the same transition (cancel) on each review at once."""
    ctx = multiprocessing.get_context("fork")
    start = ctx.Barrier(racers)
    out = ctx.Queue()
    store.dispose()
    procs = [
        ctx.Process(target=_racer, args=(store.url, review_ids, f"racer{i}", start, out))
        for i in range(racers)
    ]
    for p in procs:
        p.start()
    results = dict(out.get(timeout=300) for _ in procs)
    for p in procs:
        p.join(60)
    return results


# -- killed at random moments ------------------------------------------------------------------


def _killed_writer(url: str, interview_id: int, fd: int) -> None:
    # the writer prints each note's id once its command has returned (the commit is done)
    os.dup2(fd, 1)
    store = Store(url, actor="killed")
    i = 0
    while True:
        note_id = write_note(store, interview_id, f"note {i} written at {time.time()}")
        os.write(1, f"{note_id}\n".encode())
        i += 1


def _first_line(fd: int, timeout: float = 60) -> bytes:
    """What the writer printed up to its first whole line (waiting at most ``timeout``)."""
    import select

    data = b""
    deadline = time.monotonic() + timeout
    while b"\n" not in data and time.monotonic() < deadline:
        ready, _w, _x = select.select([fd], [], [], 1.0)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            data += chunk
    return data


def kill_test(
    store: Store, interview_id: int, kills: int = 50, seed: int = 20260302, max_delay: float = 0.15
) -> dict[str, Any]:
    """Start a note writer, SIGKILL it after a random moment, check the database; ``kills``
    times. The moments come from ``random.Random(seed)``."""
    rng = random.Random(seed)
    ctx = multiprocessing.get_context("fork")
    store.dispose()
    confirmed: list[int] = []
    checks = []
    for _n in range(kills):
        r, w = os.pipe()
        proc = ctx.Process(target=_killed_writer, args=(store.url, interview_id, w))
        proc.start()
        os.close(w)
        # the random moment counts from the writer's first confirmed note, so that on a busy
        # machine (a slow start) the kill still falls while notes are being written
        data = _first_line(r)
        time.sleep(rng.uniform(0.0, max_delay))
        os.kill(proc.pid, signal.SIGKILL)  # type: ignore[arg-type]
        proc.join(30)
        while chunk := os.read(r, 65536):
            data += chunk
        os.close(r)
        lines = data.decode().split("\n")
        # a last line without its newline was cut by the kill: its call had not returned
        printed = [int(x) for x in lines[:-1] if x]
        confirmed.extend(printed)
        checks.append(check_after_kill(store, confirmed, len(printed)))
    return {
        "kills": kills,
        "seed": seed,
        "confirmed": len(confirmed),
        "checks": checks,
        "integrity_ok": sum(c["integrity"] == "ok" for c in checks),
        "missing": sorted({m for c in checks for m in c["missing"]}),
        "notes": checks[-1]["notes"] if checks else 0,
    }


def check_after_kill(store: Store, confirmed: list[int], printed: int) -> dict[str, Any]:
    """The database after a kill: integrity, and every confirmed note there."""
    from granskning.storage.model import Note

    integrity = "ok"
    path = store.sqlite_path
    if path is not None:
        conn = sqlite3.connect(path, timeout=30)
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        conn.close()
        if fk:
            integrity = f"foreign keys: {fk[:3]}"
    with store.engine.connect() as c:
        ids = set(c.execute(select(Note.id)).scalars())
    store.dispose()
    return {
        "integrity": integrity,
        "printed": printed,
        "notes": len(ids),
        "missing": sorted(set(confirmed) - ids),
        "at": datetime.now(UTC).isoformat(),
    }
