"""Live sessions: the server-sent event stream of an interview, and what wakes it.

A stream never trusts a message for what changed: the changes are read from the database
(:func:`granskning.services.session_live.changes_since`), so nothing is lost or sent twice
whoever made the change. The pages of an interview in one process share a :class:`Feed`:
one read per wake-up, each change made into its message once (a note's change carries the
note, a move or a step of the clock the session's state), the same text written to every
page; a page further behind reads on its own. What wakes a feed, within a second:

- a change committed in this process (:func:`granskning.services.sessions.follow`);
- on PostgreSQL, ``NOTIFY granskning_live`` from any process (another worker, the CLI, the
  full-screen session), heard by one ``LISTEN`` connection per process;
- on SQLite, a commit by another program (the CLI, the full-screen session): one look a
  second per process at the file's ``PRAGMA data_version``, which wakes every stream;
- failing all of these, each feed reads again every POLL_S (~15 s).

A hundred open pages thus cost one cheap look a second and one read per change, not a
hundred reads and a hundred messages.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool

from granskning.domain.i18n import speaking
from granskning.services import session_live, sessions
from granskning.services.session_live import Cursor
from granskning.storage.store import Store

log = logging.getLogger(__name__)

POLL_S = 15.0  # a stream reads the database at least this often, woken or not
WATCH_S = 1.0  # how often a process looks for other programs' commits to an SQLite file
RETRY_MS = 1000  # how soon a browser reconnects after losing the stream
KEPT = 256  # the changes a feed keeps for the pages that follow it

# Waits up to a number of seconds for a wake-up: whether one came.
Wait = Callable[[float], Awaitable[bool]]


@dataclass(eq=False)
class _Waiter:
    """One stream's wake-up: its event and the loop it waits on."""

    interview_id: int
    loop: asyncio.AbstractEventLoop
    event: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self.event.wait(), timeout)
        except TimeoutError:
            return False
        self.event.clear()
        return True


class Broker:
    """Wakes the streams of an interview when it changes (from any thread)."""

    def __init__(self) -> None:
        self._waiters: set[_Waiter] = set()
        self._listening: dict[asyncio.AbstractEventLoop, asyncio.Task[None]] = {}
        self._ready: dict[asyncio.AbstractEventLoop, asyncio.Event] = {}
        sessions.follow(self.wake)

    def close(self) -> None:
        """Stop following changes: this process's and (on this loop) PostgreSQL's."""
        sessions.unfollow(self.wake)
        task = self._listening.pop(asyncio.get_running_loop(), None)
        if task is not None:
            task.cancel()

    def subscribe(self, interview_id: int) -> _Waiter:
        waiter = _Waiter(interview_id, asyncio.get_running_loop())
        self._waiters.add(waiter)
        return waiter

    def unsubscribe(self, waiter: _Waiter) -> None:
        self._waiters.discard(waiter)

    def wake(self, interview_id: int) -> None:
        """Wake every stream of ``interview_id`` (safe from any thread)."""
        for waiter in list(self._waiters):
            if waiter.interview_id != interview_id:
                continue
            try:
                waiter.loop.call_soon_threadsafe(waiter.event.set)
            except RuntimeError:  # its loop is closed: the stream is gone
                self._waiters.discard(waiter)

    def listen(self, store: Store) -> None:
        """Make sure this loop hears other programs' changes: PostgreSQL's ``LISTEN``
        connection, or the watch on the SQLite file."""
        loop = asyncio.get_running_loop()
        task = self._listening.get(loop)
        if task is None or task.done():
            ready = self._ready[loop] = asyncio.Event()
            hear = self._watch if store.is_sqlite else self._listen
            self._listening[loop] = loop.create_task(hear(store, ready))

    def wake_all(self) -> None:
        """Wake every stream (something changed, not known where)."""
        for interview_id in {w.interview_id for w in list(self._waiters)}:
            self.wake(interview_id)

    async def _watch(self, store: Store, ready: asyncio.Event) -> None:
        """On SQLite: ``PRAGMA data_version`` changes when another connection commits, so
        one look a second, for the whole process, tells when to wake the streams."""
        path = store.sqlite_path
        if path is None:  # an in-memory database: only this process writes it
            ready.set()
            return
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        try:
            last = conn.execute("PRAGMA data_version").fetchone()[0]
            ready.set()
            while True:
                await asyncio.sleep(WATCH_S)
                now = conn.execute("PRAGMA data_version").fetchone()[0]
                if now != last:
                    last = now
                    self.wake_all()
        except sqlite3.Error as exc:  # the streams still read at every keep-alive
            log.warning("watching %s stopped: %s", path, exc)
        finally:
            conn.close()

    async def listening(self, timeout: float) -> bool:
        """Whether this loop's ``LISTEN`` is in place (waiting up to ``timeout`` seconds)."""
        ready = self._ready.get(asyncio.get_running_loop())
        if ready is None:
            return False
        try:
            await asyncio.wait_for(ready.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def _listen(self, store: Store, ready: asyncio.Event) -> None:
        # psycopg is imported here only: SQLite installations never load it
        import psycopg

        url = store.engine.url.set(drivername="postgresql")
        try:
            async with await psycopg.AsyncConnection.connect(
                url.render_as_string(hide_password=False), autocommit=True
            ) as conn:
                await conn.execute(f"LISTEN {sessions.CHANNEL}")
                ready.set()
                async for note in conn.notifies():
                    if note.payload.isdigit():
                        self.wake(int(note.payload))
        except (OSError, psycopg.Error) as exc:  # the poll still runs: pages lag a second
            log.warning("LISTEN %s stopped: %s", sessions.CHANNEL, exc)


@dataclass(frozen=True)
class _Entry:
    """One change as every page is sent it (without its ``id:``, which is each page's)."""

    table: int
    ident: int
    text: str


def _message(event: str, ident: Cursor | None, data: dict[str, Any]) -> str:
    """One server-sent event."""
    head = f"id: {ident}\n" if ident is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _entries(
    store: Store, interview_id: int, cursor: Cursor, lang: str
) -> tuple[Cursor, list[_Entry]]:
    """The changes after ``cursor``, each made into its message once; the cursor reached."""
    with speaking(lang):
        changes, data = session_live.news(store, interview_id, cursor)
    if not changes:
        return cursor, []
    entries = [
        _Entry(c.table, c.ident, _message("change", None, d))
        for c, d in zip(changes, data, strict=True)
    ]
    return changes[-1].cursor, entries


def _first(store: Store, interview_id: int, lang: str) -> tuple[Cursor, dict[str, Any]]:
    """A fresh page's cursor and the session's state (read after it: never older)."""
    with speaking(lang):
        at = session_live.latest(store, interview_id)
        return at, session_live.snapshot(store, interview_id)


class Feed:
    """The changes of one interview in this process, for the pages in one language: read
    once per wake-up, each made into its message once, the same text sent to every page
    that follows it. It keeps the last KEPT changes: a page further behind (a reconnect
    with an old ``Last-Event-ID``) reads what it missed on its own."""

    def __init__(self, store: Store, interview_id: int, lang: str) -> None:
        self.store, self.interview_id, self.lang = store, interview_id, lang
        self.base = Cursor()  # every change after it is in the log or not yet read
        self.cursor = Cursor()  # where the reads reached
        self.log: list[_Entry] = []
        self.first = 0  # the number of the log's first entry (counted since the start)
        self.readers = 0
        self.started = asyncio.Event()
        self.grown = asyncio.Event()  # set (and replaced) when the log grows
        self.task: asyncio.Task[None] | None = None

    async def run(self, wait: Wait) -> None:
        """Read the changes when woken (``wait``) or every POLL_S, until cancelled."""
        while not self.started.is_set():
            try:
                self.base = self.cursor = await run_in_threadpool(
                    session_live.latest, self.store, self.interview_id
                )
            except Exception as exc:  # noqa: BLE001  (a database gone away: again later)
                log.warning("reading interview %s: %s", self.interview_id, exc)
                await wait(POLL_S)
            else:
                self.started.set()
        while True:
            await wait(POLL_S)
            await self.read()

    async def read(self) -> None:
        """Read the changes after the cursor into the log, and tell the pages."""
        try:
            reached, entries = await run_in_threadpool(
                _entries, self.store, self.interview_id, self.cursor, self.lang
            )
        except Exception as exc:  # noqa: BLE001  (a database gone away: read again later)
            log.warning("reading the changes of interview %s: %s", self.interview_id, exc)
            return
        if not entries:
            return
        self.log.extend(entries)
        self.cursor = reached
        drop = len(self.log) - KEPT
        if drop > 0:
            for entry in self.log[:drop]:
                self.base = self.base.past(entry.table, entry.ident)
            del self.log[:drop]
            self.first += drop
        grown, self.grown = self.grown, asyncio.Event()
        grown.set()

    def since(self, cursor: Cursor, number: int) -> tuple[Cursor, str, int] | None:
        """The messages after ``cursor`` from entry ``number`` on, the cursor they reach and
        the next entry's number; None when the log no longer holds all of them."""
        if not cursor.covers(self.base):
            return None
        out = []
        for entry in self.log[max(0, number - self.first) :]:
            if entry.ident > (cursor.session, cursor.note, cursor.audit)[entry.table]:
                cursor = cursor.past(entry.table, entry.ident)
                out.append(f"id: {cursor}\n{entry.text}")
        return cursor, "".join(out), self.first + len(self.log)


class Feeds:
    """The feeds of this process: one per event loop, store, interview and language."""

    def __init__(self) -> None:
        self._feeds: dict[tuple[asyncio.AbstractEventLoop, int, int, str], Feed] = {}

    def join(self, store: Store, interview_id: int, lang: str) -> Feed:
        loop = asyncio.get_running_loop()
        key = (loop, id(store), interview_id, lang)
        feed = self._feeds.get(key)
        if feed is None or feed.task is None or feed.task.done():
            feed = self._feeds[key] = Feed(store, interview_id, lang)
            feed.task = loop.create_task(self._run(feed))
        feed.readers += 1
        return feed

    async def _run(self, feed: Feed) -> None:
        waiter = BROKER.subscribe(feed.interview_id)
        try:
            await feed.run(waiter.wait)
        finally:
            BROKER.unsubscribe(waiter)

    def leave(self, feed: Feed) -> None:
        feed.readers -= 1
        if feed.readers <= 0 and feed.task is not None:
            feed.task.cancel()
            key = (feed.task.get_loop(), id(feed.store), feed.interview_id, feed.lang)
            if self._feeds.get(key) is feed:
                del self._feeds[key]


BROKER = Broker()
FEEDS = Feeds()


async def _catch_up(
    store: Store, interview_id: int, cursor: Cursor, lang: str
) -> tuple[Cursor, str]:
    """What a page that the feed cannot serve missed: read on its own."""
    _reached, entries = await run_in_threadpool(_entries, store, interview_id, cursor, lang)
    out = []
    for entry in entries:
        cursor = cursor.past(entry.table, entry.ident)
        out.append(f"id: {cursor}\n{entry.text}")
    return cursor, "".join(out)


async def stream(
    store: Store,
    interview_id: int,
    last_event_id: str | None,
    lang: str,
    allowed: Callable[[], bool] = lambda: True,
) -> AsyncGenerator[str, None]:
    """The event stream of a session: ``state`` at once (with a fresh start), then a
    ``change`` per stored change after the last one the page saw (``Last-Event-ID``), each
    with its cursor as ``id`` (a note's change carries the note, a move or a step of the
    clock the session's state); a comment when idle. ``allowed()`` is asked again every
    POLL_S, not at every change (a logout or a lost role ends the stream). Woken by this process's commits;
    :func:`follow` also hears other processes'."""
    seen = Cursor.parse(last_event_id)
    feed = FEEDS.join(store, interview_id, lang)
    try:
        if seen is None:
            cursor, state = await run_in_threadpool(_first, store, interview_id, lang)
            yield f"retry: {RETRY_MS}\n" + _message("state", cursor, state)
        else:
            cursor = seen
        await feed.started.wait()
        number, checked = feed.first, time.monotonic()
        while True:
            grown = feed.grown  # taken before looking: a read that ends later sets it
            served = feed.since(cursor, number)
            if served is None:
                cursor, text = await _catch_up(store, interview_id, cursor, lang)
                number = feed.first
            else:
                cursor, text, number = served
            if text:
                yield text
            try:
                await asyncio.wait_for(grown.wait(), POLL_S)
                idle = False
            except TimeoutError:
                idle = True
            if time.monotonic() - checked >= POLL_S:  # asked again at most every POLL_S
                if not await run_in_threadpool(allowed):
                    return
                checked = time.monotonic()
            if idle:
                yield ": keep-alive\n\n"
    finally:
        FEEDS.leave(feed)


async def follow(
    store: Store,
    interview_id: int,
    last_event_id: str | None,
    lang: str,
    allowed: Callable[[], bool],
) -> AsyncGenerator[str, None]:
    """:func:`stream`, woken by the broker (this process's commits, PostgreSQL's NOTIFY, the
    SQLite file's watch)."""
    BROKER.listen(store)
    async for message in stream(store, interview_id, last_event_id, lang, allowed):
        yield message


__all__ = ["BROKER", "FEEDS", "POLL_S", "Broker", "Feed", "Feeds", "follow", "stream"]
