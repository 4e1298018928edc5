"""The streams of an interview woken together share one read of its changes, until the
interview's next wake-up or SHARE_S."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from granskning.services.session_live import Cursor
from granskning.storage.store import Store
from granskning.web import live

AT = Cursor(1, 2, 3)


def _store() -> Any:
    """A stand-in for the store: the reads are counted, not made."""
    return object()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, Cursor | None, str]]:
    """The reads made of the database (``live._read`` counted, no database)."""
    made: list[tuple[int, Cursor | None, str]] = []

    def read(_store: Any, interview_id: int, cursor: Cursor | None, lang: str) -> Any:
        made.append((interview_id, cursor, lang))
        return cursor, [], {"read": len(made)}

    monkeypatch.setattr(live, "_read", read)
    return made


def test_streams_with_the_same_cursor_share_a_read_until_a_wake_up(
    reads: list[tuple[int, Cursor | None, str]],
) -> None:
    shared, store = live.SharedReads(), _store()
    first = shared.read(store, 7, AT, "en")
    assert all(shared.read(store, 7, AT, "en") is first for _ in range(9))
    assert len(reads) == 1
    shared.read(store, 7, AT, "sv")  # another language
    shared.read(store, 8, AT, "en")  # another interview
    shared.read(store, 7, Cursor(1, 3, 3), "en")  # another cursor
    shared.read(store, 7, None, "en")  # a first read is a stream's own
    shared.read(store, 7, None, "en")
    assert len(reads) == 6
    shared.forget(7)  # a change: the reads made before it may not have seen it
    assert shared.read(store, 7, AT, "en") is not first
    shared.read(store, 8, AT, "en")  # still shared
    assert len(reads) == 7


def test_a_shared_read_lasts_share_s_at_most(
    reads: list[tuple[int, Cursor | None, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [100.0]
    monkeypatch.setattr(live, "time", SimpleNamespace(monotonic=lambda: now[0]))
    shared, store = live.SharedReads(), _store()
    shared.read(store, 7, AT, "en")
    now[0] += live.SHARE_S
    shared.read(store, 7, AT, "en")
    assert len(reads) == 1
    now[0] += 0.01
    shared.read(store, 7, AT, "en")
    assert len(reads) == 2


def test_the_broker_wake_up_forgets_the_interview_s_shared_reads(
    reads: list[tuple[int, Cursor | None, str]],
) -> None:
    store = _store()
    live.SHARED.read(store, 7, AT, "en")
    live.BROKER.wake(7)
    live.SHARED.read(store, 7, AT, "en")
    assert len(reads) == 2
    live.SHARED.forget(7)  # leaves nothing for another test


def test_a_commit_to_the_sqlite_file_by_another_program_wakes_the_streams(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "watched.db"
    store = Store(f"sqlite:///{path}")
    monkeypatch.setattr(live, "WATCH_S", 0.01)

    def another_program() -> None:
        with sqlite3.connect(path) as conn:
            conn.execute("INSERT INTO web_setting (key, value) VALUES ('x', 'y')")

    async def heard() -> tuple[bool, bool]:
        broker = live.Broker()
        waiter = broker.subscribe(7)
        broker.listen(store)
        assert await broker.listening(10)
        quiet = await waiter.wait(0.05)  # nothing committed yet: not woken
        await asyncio.to_thread(another_program)
        woken = await waiter.wait(10)
        broker.close()
        return quiet, woken

    try:
        assert asyncio.run(heard()) == (False, True)
    finally:
        store.dispose()
