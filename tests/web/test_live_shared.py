"""The pages of an interview in one process share a feed: one read per change, each change
made into its message once; a page further behind than the feed reads on its own."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from granskning.services import session_live, sessions
from granskning.services.session_live import Cursor
from granskning.storage.store import Store
from granskning.web import live
from tests.conftest import FakeClock
from tests.web.conftest import Web
from tests.web.test_session_page import _interview

PAGES = 10


def _running(w: Web) -> int:
    iv = _interview(w)
    sessions.start(w.store, iv)
    return iv


@pytest.mark.slow
def test_ten_pages_one_read_per_change_and_the_same_text(
    web: Callable[[str], Web], clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = web("visiting")
    iv = _running(w)
    at = str(session_live.latest(w.store, iv))
    reads: list[Cursor] = []
    real = live._entries

    def counted(store: Store, interview_id: int, cursor: Cursor, lang: str) -> Any:
        reads.append(cursor)
        return real(store, interview_id, cursor, lang)

    monkeypatch.setattr(live, "_entries", counted)

    async def pages() -> list[str]:
        streams = [live.stream(w.store, iv, at, "en") for _ in range(PAGES)]
        firsts = [asyncio.ensure_future(anext(s)) for s in streams]
        feed = live.FEEDS.join(w.store, iv, "en")  # the pages' feed, started
        await feed.started.wait()
        while feed.readers < PAGES + 1:  # every page has joined it
            await asyncio.sleep(0)
        live.FEEDS.leave(feed)
        clock.advance(seconds=1)
        await asyncio.to_thread(sessions.add_note, w.store, iv, "styr-1", "En gång")
        got = list(await asyncio.gather(*firsts))
        for s in streams:
            await s.aclose()
        return got

    got = asyncio.run(pages())
    assert len(set(got)) == 1 and '"text": "En gång"' in got[0]
    assert reads == [Cursor.parse(at)]  # one read, the feed's


def _entry(ident: int, table: int = 1) -> Any:
    return live._Entry(table, ident, f"event: change\ndata: {ident}\n\n")


def test_a_page_takes_from_the_feed_what_it_has_not_seen() -> None:
    feed = live.Feed(Store.__new__(Store), 7, "en")
    feed.base = Cursor(1, 4, 0)
    feed.log = [_entry(5), _entry(2, table=0), _entry(6)]
    served = feed.since(Cursor(1, 5, 0), 0)
    assert served is not None
    cursor, text, number = served
    assert (cursor, number) == (Cursor(2, 6, 0), 3)
    assert text == (
        "id: 2.5.0\nevent: change\ndata: 2\n\n" + "id: 2.6.0\nevent: change\ndata: 6\n\n"
    )
    assert feed.since(cursor, number) == (cursor, "", 3)  # nothing new
    # a page that has not seen what the feed dropped reads on its own
    assert feed.since(Cursor(0, 5, 0), 0) is None


def test_the_feed_keeps_the_last_changes_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live, "KEPT", 2)
    made = [_entry(n) for n in (1, 2, 3)]

    def entries(_store: Any, _iv: int, cursor: Cursor, _lang: str) -> Any:
        return Cursor(0, 3, 0), made

    monkeypatch.setattr(live, "_entries", entries)

    async def read() -> live.Feed:
        feed = live.Feed(Store.__new__(Store), 7, "en")
        await feed.read()
        return feed

    feed = asyncio.run(read())
    assert (feed.log, feed.first, feed.base, feed.cursor) == (
        made[1:],
        1,
        Cursor(0, 1, 0),
        Cursor(0, 3, 0),
    )
    assert feed.since(Cursor(), 0) is None
    texts = "".join(f"id: 0.{e.ident}.0\n{e.text}" for e in made[1:])
    assert feed.since(Cursor(0, 1, 0), 0) == (Cursor(0, 3, 0), texts, 3)


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
