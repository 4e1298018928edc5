"""Live sessions: the server-sent event stream of an interview, and what wakes it.

A stream never trusts a message for what changed: when woken it reads the changes after
its cursor from the database (:func:`granskning.services.session_live.changes_since`), so
nothing is lost or sent twice whoever made the change. What wakes it, within a second:

- a change committed in this process (:func:`granskning.services.sessions.follow`);
- on PostgreSQL, ``NOTIFY granskning_live`` from any process (another worker, the CLI, the
  full-screen session), heard by one ``LISTEN`` connection per process;
- on SQLite, a commit by another program (the CLI, the full-screen session): one look a
  second per process at the file's ``PRAGMA data_version``, which wakes every stream;
- failing all of these, each stream reads again at every keep-alive (~15 s).

A hundred open pages thus cost one cheap look a second, not a hundred reads.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import threading
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
KEEP_ALIVE_POLLS = 1  # a comment after this many polls with nothing to send (~15 s)
WATCH_S = 1.0  # how often a process looks for other programs' commits to an SQLite file
RETRY_MS = 1000  # how soon a browser reconnects after losing the stream
SHARE_S = 0.25  # a read of an interview's changes serves other streams this long at most

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
        SHARED.forget(interview_id)
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


@dataclass(eq=False)
class _Shared:
    """One read, and the lock its readers queue on."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    at: float = 0.0
    result: Any = None


class SharedReads:
    """The streams of an interview in this process, woken together, read its changes once
    (ten pages on one session: one read, not ten): a read is shared by the streams asking
    with the same cursor until the interview's next wake-up (its change may be newer than
    the read; each stream it wakes reads again), for SHARE_S at most."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reads: dict[tuple[int, int, Cursor, str], _Shared] = {}

    def forget(self, interview_id: int) -> None:
        """Share no read of ``interview_id`` made so far."""
        with self._lock:
            for key in [k for k in self._reads if k[1] == interview_id]:
                del self._reads[key]

    def read(
        self, store: Store, interview_id: int, cursor: Cursor | None, lang: str
    ) -> tuple[Cursor, list[session_live.Change], dict[str, Any] | None]:
        """:func:`_read`, shared (a stream's first read is its own)."""
        if cursor is None:
            return _read(store, interview_id, cursor, lang)
        now = time.monotonic()
        with self._lock:
            for key in [k for k, v in self._reads.items() if v.at and now - v.at > SHARE_S]:
                del self._reads[key]
            shared = self._reads.setdefault((id(store), interview_id, cursor, lang), _Shared())
        with shared.lock:
            if shared.result is None or time.monotonic() - shared.at > SHARE_S:
                shared.result = _read(store, interview_id, cursor, lang)
                shared.at = time.monotonic()
            return shared.result  # type: ignore[no-any-return]


SHARED = SharedReads()
BROKER = Broker()


def _message(event: str, ident: Cursor | None, data: dict[str, Any]) -> str:
    """One server-sent event."""
    head = f"id: {ident}\n" if ident is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _read(
    store: Store, interview_id: int, cursor: Cursor | None, lang: str
) -> tuple[Cursor, list[session_live.Change], dict[str, Any] | None]:
    """The cursor reached, the changes after ``cursor`` and (if any, or at the start) the
    session's state, in the page's language."""
    with speaking(lang):
        if cursor is None:
            at = session_live.latest(store, interview_id)
            return at, [], session_live.snapshot(store, interview_id)
        changes = session_live.changes_since(store, interview_id, cursor)
        if not changes:
            return cursor, [], None
        return changes[-1].cursor, changes, session_live.snapshot(store, interview_id)


async def stream(
    store: Store,
    interview_id: int,
    last_event_id: str | None,
    lang: str,
    wait: Wait,
    allowed: Callable[[], bool] = lambda: True,
) -> AsyncGenerator[str, None]:
    """The event stream of a session: ``state`` at once (with a fresh start), then a
    ``change`` per stored change after the last one the page saw (``Last-Event-ID``),
    each with its cursor as ``id`` and the session's state; a comment now and then,
    before which ``allowed()`` is asked again (a logout or a lost role ends the stream)."""
    cursor = Cursor.parse(last_event_id)
    idle = 0
    while True:
        reached, changes, state = await run_in_threadpool(
            SHARED.read, store, interview_id, cursor, lang
        )
        if cursor is None and state is not None:
            yield f"retry: {RETRY_MS}\n" + _message("state", reached, state)
        for change in changes:
            data: dict[str, Any] = {"kind": change.kind, "what": change.what}
            if change is changes[-1]:
                data["state"] = state
            yield _message("change", change.cursor, data)
        idle = 0 if state is not None else idle + 1
        if idle >= KEEP_ALIVE_POLLS:
            idle = 0
            if not await run_in_threadpool(allowed):
                return
            yield ": keep-alive\n\n"
        cursor = reached
        await wait(POLL_S)


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
    waiter = BROKER.subscribe(interview_id)
    try:
        messages = stream(store, interview_id, last_event_id, lang, waiter.wait, allowed)
        async for message in messages:
            yield message
    finally:
        BROKER.unsubscribe(waiter)


__all__ = ["BROKER", "Broker", "POLL_S", "follow", "stream"]
