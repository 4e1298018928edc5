"""``backup`` and ``restore``: round trips on both backends, a consistent copy while others
write, refusals that change nothing."""

from __future__ import annotations

import multiprocessing
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from _world import comparable_show, notes_of, populated, review_ids
from sqlalchemy import MetaData, create_engine, func, select

from granskning.services import reviews
from granskning.storage.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"


def _table_rows(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, audit events of restores left out."""
    from granskning.storage.store import metadata

    out = {}
    with store.engine.connect() as conn:
        for table in metadata().sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            if table.name == "audit_event":
                query = query.where(table.c.action != "restore")
                query = query.with_only_columns(
                    *(c for c in table.columns if c.name != "id")
                ).order_by(table.c.id)
            if table.name == "audit_detail":  # the restore's own event's detail
                restores = select(metadata().tables["audit_event"].c.uid).where(
                    metadata().tables["audit_event"].c.action == "restore"
                )
                query = query.where(table.c.event_uid.not_in(restores))
            if table.name == "audit_chain":  # the database's own chain grew by the restore
                query = query.where(table.c.chain != "")
            out[table.name] = [tuple(r) for r in conn.execute(query)]
    return out


def _same_reviews(a: Store, b: Store, *, ids_kept: bool = True) -> None:
    ids = review_ids(a)
    assert ids and review_ids(b) == ids
    for rid in ids:
        left, right = reviews.show(a, rid), reviews.show(b, rid)
        if ids_kept:
            assert left == right
        else:
            assert comparable_show(left) == comparable_show(right)
        assert notes_of(a, rid) == notes_of(b, rid)


@pytest.mark.slow
def test_backup_and_restore_round_trip(
    store: Store, cli: Any, empty_db: Any, tmp_path: Path
) -> None:
    from tests.conftest import Cli

    world = populated(store)
    out = tmp_path / "backup.bin"
    result = cli.json("backup", "-o", out)
    assert result["bytes"] == out.stat().st_size > 0
    assert result["format"] == ("sqlite" if store.is_sqlite else "pg_dump-custom")
    target = Store(empty_db("restored"), clock=store.clock, actor="restorer")
    try:
        restored = Cli(target).json("restore", out)
        assert restored["rows"]["note"] == 4
        _same_reviews(store, target)
        assert _table_rows(store) == _table_rows(target)
        assert notes_of(target, world.review)
        # the restored database is fully usable: ids carry on after the restored ones
        from granskning.services import registry

        new = registry.add_municipality(target, "Luleå")
        assert new.id == 4
        history = Cli(target).json("review", "history", world.review)
        assert history[-1]["action"] == "schedule_seminar"
    finally:
        target.dispose()


@pytest.mark.slow
def test_an_sqlite_backup_restores_into_either_backend(
    tmp_path: Path, empty_db: Any, clock: Any
) -> None:
    from tests.conftest import Cli

    source = Store(f"sqlite:///{tmp_path / 'source.db'}", clock=clock, actor="tester")
    target = Store(empty_db("target"), clock=clock, actor="tester")
    try:
        populated(source)
        out = tmp_path / "backup.db"
        Cli(source).ok("backup", "-o", out)
        Cli(target).ok("restore", out)
        _same_reviews(source, target)
        assert _table_rows(source) == _table_rows(target)
        from granskning.services import registry

        assert registry.add_person(target, "Ny Person", "Gävle").id == 6
    finally:
        source.dispose()
        target.dispose()


def test_restore_refuses_a_database_that_holds_anything(
    store: Store, cli: Any, tmp_path: Path
) -> None:
    from granskning.services import registry

    registry.add_municipality(store, "Gävle")
    out = tmp_path / "b.db"
    shutil.copyfile(DATA / "schema_0001.db", out)
    before = _table_rows(store)
    result = cli("restore", out)
    assert result.exit_code == 1
    assert "is not empty (" in result.stderr
    assert "municipality: 1" in result.stderr and "audit_event: 1" in result.stderr
    assert "restore only into an empty database" in result.stderr
    assert _table_rows(store) == before


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "not a granskning backup"),
        (b"hello, world\n" * 10, "not a granskning backup"),
        (b"SQLite format 3\x00" + b"\x00" * 200, "not a granskning backup"),
        (b"PGDMP" + b"\x01" * 100, "not a granskning backup"),
    ],
)
def test_restore_refuses_what_is_not_a_backup(
    store: Store, cli: Any, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "x.bin"
    path.write_bytes(content)
    result = cli("restore", path)
    if content.startswith(b"PGDMP") and store.is_sqlite:
        message = "can only be restored into a PostgreSQL database"
    assert result.exit_code in (1, 2), result.output
    assert message in result.stderr
    assert "Traceback" not in result.output + result.stderr
    from granskning.storage.backup import row_counts

    assert row_counts(store) == {}


def test_restore_of_a_missing_file(cli: Any, tmp_path: Path) -> None:
    result = cli("restore", tmp_path / "nope.db")
    assert result.exit_code == 2
    assert "cannot read" in result.stderr


def test_an_older_backup_is_upgraded_on_restore_and_left_as_it_was(
    store: Store, cli: Any, tmp_path: Path
) -> None:
    old = tmp_path / "old.db"
    shutil.copyfile(DATA / "schema_0001.db", old)
    before = old.read_bytes()
    data = cli.json("restore", old)
    assert data["schema"] == "0001"
    assert old.read_bytes() == before
    conn = sqlite3.connect(old)
    expected = {
        name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name != 'alembic_version'"
        ).fetchall()
    }
    # 0003 moves each event's actor and comment beside the chain and keeps each chain's head
    chains = conn.execute(
        "SELECT count(DISTINCT review_id) FROM audit_event "
        "WHERE review_id IS NOT NULL AND action != 'import'"
    ).fetchone()[0]
    conn.close()
    expected["audit_event"] += 1  # the restore itself
    expected["audit_detail"] = expected["audit_event"]
    expected["audit_chain"] = chains + 1  # and the database's own
    assert data["rows"] == expected
    assert reviews.show(store, 1)["state"] == "follow_up_scheduled"


def test_a_backup_from_a_newer_granskning_is_refused(
    store: Store, cli: Any, tmp_path: Path
) -> None:
    new = tmp_path / "new.db"
    shutil.copyfile(DATA / "schema_0001.db", new)
    conn = sqlite3.connect(new)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '0999'")
    conn.close()
    result = cli("restore", new)
    assert result.exit_code == 2
    assert "newer than this granskning knows" in result.stderr
    from granskning.storage.backup import row_counts

    assert row_counts(store) == {}


def test_backup_without_pg_dump_on_the_path(
    store: Store, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = cli("backup", "-o", tmp_path / "b")
    if store.is_sqlite:
        assert result.exit_code == 0  # SQLite needs no outside program
    else:
        assert result.exit_code == 2
        assert "pg_dump is not on the PATH" in result.stderr
        assert not (tmp_path / "b").exists()


def test_backup_refuses_a_folder_and_the_database_itself(
    store: Store, cli: Any, tmp_path: Path
) -> None:
    result = cli("backup", "-o", tmp_path / "no" / "such" / "b.db")
    assert result.exit_code == 2
    if store.sqlite_path is not None:
        result = cli("backup", "-o", store.sqlite_path)
        assert result.exit_code == 2
        assert "the database in use" in result.stderr


# -- a consistent copy while others write ---------------------------------------------------


def _writer(url: str, interview_id: int, stop: Any, started: Any) -> None:
    """Write a note and its audit event in one transaction, again and again."""
    from granskning.storage.audit import record
    from granskning.storage.model import Note

    st = Store(url, actor="writer")
    n = 0
    while not stop.is_set():
        with st.atomic() as s:
            note = Note(interview_id=interview_id, text=f"note {n}", created_at=st.now())
            s.add(note)
            s.flush()
            record(s, st, entity="note", action="add", comment=f"note {note.id}")
        n += 1
        if n == 20:
            started.set()
    st.dispose()


def _pairs(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine, only=["note", "audit_event"])
    note, audit = meta.tables["note"], meta.tables["audit_event"]
    with engine.connect() as conn:
        notes = conn.execute(select(func.count()).select_from(note)).scalar_one()
        events = conn.execute(
            select(func.count()).select_from(audit).where(audit.c.entity == "note")
        ).scalar_one()
    engine.dispose()
    return notes, events


def _dump_pairs(path: Path) -> tuple[int, int]:
    """Notes and note audit events in a pg_dump file, read with pg_restore."""
    import subprocess

    out = subprocess.run(
        ["pg_restore", "--data-only", "--table=note", "--table=audit_event", "--file=-", path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows: dict[str, list[list[str]]] = {}
    current = None
    for line in out.splitlines():
        if line.startswith("COPY "):
            current = line.split()[1].split(".")[-1]
            rows[current] = []
        elif line == "\\.":
            current = None
        elif current:
            rows[current].append(line.split("\t"))
    events = [r for r in rows["audit_event"] if r[4] == "note"]
    return len(rows["note"]), len(events)


@pytest.mark.slow
def test_a_backup_is_consistent_while_others_write(store: Store, tmp_path: Path) -> None:
    from granskning.storage import backup as lib

    world = populated(store)
    ctx = multiprocessing.get_context("fork")
    stop, started = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_writer, args=(store.url, world.interviews[1], stop, started))
    proc.start()
    try:
        assert started.wait(30)
        seen = []
        for i in range(3):
            out = tmp_path / f"b{i}"
            lib.backup(store, out)
            if store.is_sqlite:
                url = f"sqlite:///{out}"
                conn = sqlite3.connect(out)
                assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
                assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
                conn.close()
                notes, events = _pairs(url)
            else:
                notes, events = _dump_pairs(out)
            # every transaction is in the copy wholly or not at all
            assert notes - 4 == events > 0
            seen.append(notes)
        assert seen == sorted(seen)
    finally:
        stop.set()
        proc.join(30)
    assert proc.exitcode == 0
