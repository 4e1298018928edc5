"""The audit log is append-only: a whole life cycle through the command line never updates
or deletes an audit row (every SQL statement is watched), and the database refuses it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from granskning.storage.store import Store
from tests.conftest import Cli

# any statement that changes existing audit rows, in any spelling
TOUCHES_AUDIT = re.compile(
    r"^\s*(UPDATE\s+\"?audit_event\b|DELETE\s+FROM\s+\"?audit_event\b|"
    r"(INSERT\s+OR\s+REPLACE|REPLACE)\s+INTO\s+\"?audit_event\b|TRUNCATE\b.*\baudit_event\b)",
    re.IGNORECASE | re.DOTALL,
)
APPENDS_AUDIT = re.compile(r"^\s*INSERT\s+INTO\s+\"?audit_event\b", re.IGNORECASE)


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every SQL statement any engine runs while the test runs."""
    seen: list[str] = []

    def watch(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", watch)
    yield seen
    event.remove(Engine, "before_cursor_execute", watch)


def test_the_pattern_finds_what_it_must() -> None:
    for sql in (
        "UPDATE audit_event SET comment=?",
        'update "audit_event" set actor = 1',
        "DELETE FROM audit_event WHERE id = 1",
        "INSERT OR REPLACE INTO audit_event (id) VALUES (1)",
        'TRUNCATE "review", "audit_event" RESTART IDENTITY',
    ):
        assert TOUCHES_AUDIT.match(sql), sql
    assert not TOUCHES_AUDIT.match("INSERT INTO audit_event (uid) VALUES (?)")
    assert not TOUCHES_AUDIT.match("UPDATE audit_eventual SET x = 1")


@pytest.mark.slow
def test_a_whole_life_cycle_never_changes_an_audit_row(
    store: Store, cli: Cli, clock: Any, tmp_path: Path, statements: list[str], empty_db: Any
) -> None:
    from _world import populate_content

    cli.ok("municipality", "add", "Gävle")
    cli.ok("municipality", "add", "Uppsala")
    cli.ok("municipality", "add", "Örebro")
    lead = cli.json("person", "add", "Anna Berg", "--municipality", "Uppsala")["id"]
    sec = cli.json("person", "add", "Bo Ek", "--municipality", "Örebro")["id"]
    cia = cli.json(
        "person", "add", "Cia Dahl", "--municipality", "Gävle", "--title", "Kommunalråd"
    )["id"]
    contact = cli.json("person", "add", "Dan Holm", "--municipality", "Gävle")["id"]
    rnd = cli.json(
        "round",
        "create",
        "--year",
        2026,
        "--theme",
        "Trygga villkor",
        "--template",
        "kollegial-granskning-2013",
        "--member",
        "Gävle",
        "--member",
        "Uppsala",
        "--member",
        "Örebro",
    )["id"]
    cli.ok("round", "plan", rnd)
    rid = cli.json(
        "review",
        "create",
        "--host",
        "Gävle",
        "--reviewing",
        "Uppsala",
        "--reviewing",
        "Örebro",
        "--template",
        "kollegial-granskning-2013",
        "--round",
        rnd,
    )["id"]
    cli.ok("review", "assign", rid, "--person", lead, "--role", "lead")
    cli.ok("review", "assign", rid, "--person", sec, "--role", "secretary")
    cli.ok("review", "assign", rid, "--person", contact, "--role", "host_contact")
    cli.ok("review", "unassign", rid, "--person", contact, "--role", "host_contact")
    # interviews, notes, findings and texts: through the commands where this checkout has them
    populate_content(store, rid, lead=lead, secretary=sec, interviewee=cia, cli=cli)
    cli.ok("review", "advance", rid, "hand_over")
    cli.ok("review", "advance", rid, "reopen", "--reason", "Rättelse")
    cli.ok("review", "advance", rid, "hand_over")
    clock.advance(minutes=60 * 24 * 30)
    when = (clock.now + timedelta(days=120)).strftime("%Y-%m-%d 10:00")
    cli.ok("seminar", "schedule", rid, "--start", when, "--place", "Stadshuset")
    for item in cli.json("seminar", "items", rid):
        if item.get("status") is None and not item.get("merged_into"):
            cli.ok(
                "seminar",
                "record",
                rid,
                "--item",
                item["id"],
                "--status",
                "in_progress",
                "--responsible",
                "Cia Dahl",
                "--comment",
                "Påbörjat",
            )
    clock.advance(minutes=60 * 24 * 121)  # the seminar is held on its day, not before
    cli.ok("review", "advance", rid, "hold_seminar")
    cli.ok("review", "history", rid)
    out = tmp_path / "r.json"
    cli.ok("review", "export", rid, "-o", out)
    cli.ok("review", "import", out)
    cli.ok("backup", "-o", tmp_path / "b.bin")
    target = Store(empty_db("audit_restore"), clock=clock, actor="restorer")
    try:
        Cli(target).ok("restore", tmp_path / "b.bin")
    finally:
        target.dispose()
    cli.ok("person", "export", cia)
    cli.ok("person", "forget", cia, "--purge-reports")
    cli.ok("review", "advance", rid, "close")
    touching = [s for s in statements if TOUCHES_AUDIT.match(s)]
    assert touching == []
    appended = [s for s in statements if APPENDS_AUDIT.match(s)]
    assert len(appended) >= 20  # the watch saw the log being written


def test_the_database_refuses_to_change_audit_rows_even_outside_granskning(store: Store) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from granskning.services import registry

    registry.add_municipality(store, "Gävle")
    with store.engine.connect() as conn:
        for sql in ("UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"):
            with pytest.raises(IntegrityError, match="append-only"):
                conn.execute(text(sql))
            conn.rollback()
