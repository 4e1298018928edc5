"""On PostgreSQL the database announces a session's changes itself (migration 0012): a note
written or changed and a clock step send NOTIFY on the live channel with the interview's id,
at commit, whoever wrote the row; a rolled-back change sends nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, text

from granskning.services import sessions
from granskning.storage.store import Store
from tests.conftest import confirmed_interview


@pytest.fixture
def listening(store: Store) -> Iterator[Callable[[], list[str]]]:
    """``heard()``: the payloads on the live channel since the last call (PostgreSQL)."""
    if store.is_sqlite:
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    import psycopg

    url = store.engine.url
    conn = psycopg.connect(
        dbname=url.database, user=url.username, host=url.query.get("host"), autocommit=True
    )
    conn.execute(f"LISTEN {sessions.CHANNEL}")

    def heard() -> list[str]:
        # the queue keeps commit order: a marker sent now comes after everything committed
        # before, so reading up to it reads all of that and waits for nothing else
        conn.execute("SELECT pg_notify(%s, 'end')", (sessions.CHANNEL,))
        payloads = []
        for n in conn.notifies(timeout=30):
            if n.payload == "end":
                return payloads
            payloads.append(n.payload)
        raise AssertionError("the marker did not come back")

    yield heard
    conn.close()


def _insert_note(conn: Connection, iv: int, uid: str, body: str) -> None:
    """A note as another program writes it: straight into the table."""
    conn.execute(
        text(
            "INSERT INTO note (uid, interview_id, question_id, text, author, created_at) "
            "VALUES (:uid, :iv, 'styr-1', :text, 'annan', now())"
        ),
        {"uid": uid, "iv": iv, "text": body},
    )


@pytest.fixture
def iv(store: Store, sample: Any) -> int:
    return confirmed_interview(store, sample)


def test_a_note_and_a_clock_step_are_announced_at_commit(
    store: Store, iv: int, listening: Callable[[], list[str]]
) -> None:
    listening()
    sessions.start(store, iv)
    assert listening() == [str(iv)]
    note = sessions.add_note(store, iv, "styr-1", "Budgeten styr")
    assert listening() == [str(iv)]
    assert note.id is not None
    sessions.edit_note(store, note.id, "Budgeten styr allt")
    assert listening() == [str(iv)]


def test_a_row_written_by_another_program_is_announced_once_per_interview(
    store: Store, iv: int, listening: Callable[[], list[str]]
) -> None:
    sessions.start(store, iv)
    listening()
    with store.engine.begin() as conn:  # not through granskning's services
        for n in range(3):
            _insert_note(conn, iv, f"{n:032x}", f"rad {n}")
        conn.execute(
            text("UPDATE note SET text = text || '.' WHERE interview_id = :iv"), {"iv": iv}
        )
    # each statement announces its interview once; identical NOTIFYs of a transaction fold
    assert listening() == [str(iv)]


def test_a_change_rolled_back_is_not_announced(
    store: Store, iv: int, listening: Callable[[], list[str]]
) -> None:
    sessions.start(store, iv)
    listening()
    with pytest.raises(RuntimeError), store.engine.begin() as conn:
        _insert_note(conn, iv, "f" * 32, "ångrad")
        raise RuntimeError("the program changed its mind")
    # a refused note (the service's own rollback) neither
    with pytest.raises(Exception, match="rating"):
        sessions.add_note(store, iv, "styr-1", "x", rating=3)
    assert listening() == []
