"""SQLite's write-ahead log reaches the database file beside the writers, moments after a
commit (granskning.storage.checkpoint), not inside one commit in a few hundred."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from granskning.storage.checkpoint import Checkpointer
from granskning.storage.store import Store


def _notes_in_file_alone(db: Path, tmp_path: Path) -> list[str]:
    """The notes the database file holds without its log: a copy of the file alone."""
    alone = tmp_path / "alone.db"
    shutil.copyfile(db, alone)
    conn = sqlite3.connect(alone)
    try:
        return [t for (t,) in conn.execute("SELECT text FROM marker")]
    finally:
        conn.close()


def _write(store: Store, value: str) -> None:
    with store.atomic() as s:
        s.execute(text("INSERT INTO marker (text) VALUES (:v)"), {"v": value})


def _store(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'c.db'}")
    with store.atomic() as s:
        s.execute(text("CREATE TABLE marker (text TEXT)"))
    return store


def test_a_commit_reaches_the_database_file_moments_later(tmp_path: Path) -> None:
    store = _store(tmp_path)
    try:
        cp = store.checkpointer
        assert cp is not None
        assert cp.wait_for(1, timeout=30)  # the table's creation
        done = cp.checkpoints
        _write(store, "Samtalet var öppet")
        assert cp.wait_for(done + 1, timeout=30)
        # the log was copied into the file: the file alone has the commit
        assert _notes_in_file_alone(store.sqlite_path, tmp_path) == ["Samtalet var öppet"]  # type: ignore[arg-type]
        # SQLite's own checkpoint stays as the backstop
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
    finally:
        store.dispose()


def test_without_the_checkpointer_the_commit_is_only_in_the_log(tmp_path: Path) -> None:
    """The control for the test above: the copy of the file alone proves something."""
    store = _store(tmp_path)
    try:
        assert store.checkpointer is not None
        assert store.checkpointer.wait_for(1, timeout=30)  # the table is in the file
        store.checkpointer.close()
        store.checkpointer = None
        _write(store, "bara i loggen")
        assert _notes_in_file_alone(store.sqlite_path, tmp_path) == []  # type: ignore[arg-type]
    finally:
        store.dispose()


def test_a_read_starts_no_checkpoint(tmp_path: Path) -> None:
    store = _store(tmp_path)
    try:
        cp = store.checkpointer
        assert cp is not None
        _write(store, "x")
        assert cp.wait_for(1, timeout=30)
        cp.close()  # what ran is done; a read must not start the thread again
        with store.read() as s:
            s.execute(text("SELECT count(*) FROM marker")).scalar()
        assert cp._thread is None
    finally:
        store.dispose()


def test_dispose_stops_the_thread_and_a_later_commit_starts_it_again(tmp_path: Path) -> None:
    store = _store(tmp_path)
    cp = store.checkpointer
    assert cp is not None
    _write(store, "a")
    thread = cp._thread
    assert thread is not None
    store.dispose()
    assert not thread.is_alive()
    done = cp.checkpoints
    _write(store, "b")  # the engine opens connections again after dispose
    assert cp.wait_for(done + 1, timeout=30)
    store.dispose()


def test_a_file_gone_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raised: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: raised.append(args.exc_value))
    cp = Checkpointer(tmp_path / "missing" / "x.db", delay_s=0)
    assert cp._checkpoint(None) is None  # what the thread does after a poke
    cp.poke()
    cp.close()
    assert cp.checkpoints == 0
    assert raised == []


def test_memory_and_postgresql_have_no_checkpointer(store: Store) -> None:
    if store.sqlite_path is None:
        assert store.checkpointer is None
    assert Store.memory().checkpointer is None
