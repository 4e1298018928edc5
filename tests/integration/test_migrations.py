"""Schema migrations: a database made by the first schema release upgrades to head keeping
every row; a database newer than the program is refused and left as it was; the audit log
is append-only in the database itself (migration 0002)."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import MetaData, create_engine, delete, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from granskning.storage.store import SCHEMA_HEAD, SCHEMA_REVISIONS, Store

DATA = Path(__file__).resolve().parents[1] / "data"
OLD_DB = DATA / "schema_0001.db"


def _rows_sqlite(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'alembic_version'"
            )
        ]
        return {
            t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables
        }
    finally:
        conn.close()


def _normal(value: Any) -> Any:
    """One form for a value read from either backend: naive UTC times, bytes, ISO dates."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _old_columns(
    after: dict[str, list[tuple[Any, ...]]], before: dict[str, list[tuple[Any, ...]]]
) -> dict[str, list[tuple[Any, ...]]]:
    """``after`` cut to the columns ``before`` had: later migrations add columns at the end."""
    width = {t: len(rows[0]) for t, rows in before.items() if rows}
    return {
        t: sorted((r[: width.get(t, len(r))] for r in rows), key=repr) for t, rows in after.items()
    }


def _rows_engine(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    out = {}
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = [tuple(_normal(v) for v in r) for r in conn.execute(table.select())]
            out[table.name] = sorted(rows, key=repr)
    engine.dispose()
    return out


# 0003 moves each audit row's actor and comment beside the hash chain (audit_detail) and
# links the rows (audit_chain holds the heads): compared apart from the other tables
AUDIT_TABLES = ("audit_event", "audit_detail", "audit_chain")
# tables later migrations add, empty after an upgrade (0007 and 0008: the web application's
# accounts; 0011: the seminar record's participants)
WEB_TABLES = frozenset(
    {"user_account", "web_session", "login_attempt", "web_setting", "api_token"}
    | {"seminar_participant"}
)
_AUDIT_BEFORE = (
    "SELECT uid, review_id, interview_id, entity, action, from_state, to_state, actor, "
    "comment, at FROM audit_event"
)
_AUDIT_AFTER = (
    "SELECT e.uid, e.review_id, e.interview_id, e.entity, e.action, e.from_state, "
    "e.to_state, d.actor, d.text, e.at FROM audit_event e JOIN audit_detail d "
    "ON d.event_uid = e.uid"
)


def _without_audit(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """The rows apart from the audit tables, the (empty) tables later migrations add and
    the search index (0009, SQLite's FTS5 tables: what they index is tested apart)."""
    return {
        k: v
        for k, v in rows.items()
        if k not in AUDIT_TABLES and k not in WEB_TABLES and not k.startswith("search_")
    }


def _audit_rows(url: str, query: str) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = sorted((tuple(_normal(v) for v in r) for r in conn.execute(text(query))), key=repr)
    engine.dispose()
    return rows


def _chains_verify(url: str) -> None:
    from granskning.storage import audit
    from granskning.storage.model import AuditChain

    store = Store(url)
    with store.read() as s:
        chains = [c.chain for c in s.exec(select(AuditChain)).all()]
        checks = [audit.verify_chain(s, c) for c in chains]
    store.dispose()
    assert len(chains) >= 2  # the review's and the database's own
    assert [c.problems for c in checks] == [[] for _ in checks]


def test_the_kept_0001_file_is_what_its_script_makes(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_schema_0001", DATA / "make_schema_0001.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fresh = tmp_path / "fresh.db"
    module.build(fresh)
    a, b = sqlite3.connect(OLD_DB), sqlite3.connect(fresh)
    assert list(a.iterdump()) == list(b.iterdump())
    assert a.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    # every table of the program has rows in the old file
    from granskning.storage.store import metadata

    for table in metadata().sorted_tables:
        if table.name in AUDIT_TABLES[1:]:
            continue  # made by 0003 from audit_event
        if table.name in WEB_TABLES:
            continue  # made empty by 0007 and 0008 (the web application's accounts)
        count = a.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0]
        assert count >= 1, table.name
    a.close()
    b.close()


def test_upgrading_the_0001_file_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copyfile(OLD_DB, path)
    before = _rows_sqlite(path)
    audit_before = _audit_rows(f"sqlite:///{path}", _AUDIT_BEFORE)
    store = Store(f"sqlite:///{path}")
    assert store.schema_revision() == SCHEMA_HEAD
    store.dispose()
    after = _rows_sqlite(path)
    assert _old_columns(_without_audit(after), before) == _old_columns(
        _without_audit(before), before
    )
    assert sum(len(r) for r in after.values()) > 40
    assert _audit_rows(f"sqlite:///{path}", _AUDIT_AFTER) == audit_before != []
    _chains_verify(f"sqlite:///{path}")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    # and the program works on it
    from granskning.services import reviews

    store = Store(f"sqlite:///{path}")
    shown = reviews.show(store, 1)
    assert shown["state"] == "follow_up_scheduled"
    assert [m["name"] for m in shown["team"]] == ["Anna Berg", "Bo Ek", "Cia Dahl"]
    store.dispose()


@pytest.mark.slow
def test_upgrading_0001_rows_loaded_into_each_backend_keeps_every_row(
    empty_db: Any, tmp_path: Path
) -> None:
    url = empty_db("upgrade")
    old = Store(url, migrate=False)
    old.upgrade("0001")
    # copy the kept file's rows in, as 0001 holds them
    src = create_engine(f"sqlite:///{OLD_DB}")
    meta = MetaData()
    meta.reflect(src)
    with src.connect() as conn, old.engine.begin() as pg:
        if pg.dialect.name == "postgresql":
            pg.execute(text("SET LOCAL TIME ZONE 'UTC'"))
        for table in meta.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = [dict(r._mapping) for r in conn.execute(table.select())]
            pg.execute(table.insert(), rows)
    src.dispose()
    old.dispose()
    before = _rows_engine(f"sqlite:///{OLD_DB}")
    store = Store(url)
    assert store.schema_revision() == SCHEMA_HEAD
    store.dispose()
    assert _old_columns(_without_audit(_rows_engine(url)), before) == _old_columns(
        _without_audit(before), before
    )
    assert _audit_rows(url, _AUDIT_AFTER) == _audit_rows(f"sqlite:///{OLD_DB}", _AUDIT_BEFORE)
    # the same rows give the same chain on every backend
    _chains_verify(url)
    copy = tmp_path / "old.db"
    shutil.copyfile(OLD_DB, copy)
    Store(f"sqlite:///{copy}").dispose()
    heads = "SELECT chain, seq, head FROM audit_chain"
    assert _audit_rows(url, heads) == _audit_rows(f"sqlite:///{copy}", heads)


def test_a_newer_sqlite_database_is_refused_and_left_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    shutil.copyfile(OLD_DB, path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '0999'")
    conn.close()
    before = path.read_bytes()
    from granskning.cli import cli

    result = CliRunner().invoke(cli, ["--db", str(path), "--lang", "en", "info"])
    assert result.exit_code == 2, result.output
    assert "newer than this granskning knows" in result.stderr
    assert "0999" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists()


def test_a_newer_database_is_refused(store: Store) -> None:
    from granskning.cli import cli

    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    try:
        result = CliRunner().invoke(cli, ["--db", store.url, "--lang", "en", "info"])
        assert result.exit_code == 2, result.output
        assert "newer than this granskning knows" in result.stderr
        assert store.schema_revision() == "0999"
    finally:
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": SCHEMA_HEAD})


def test_head_is_the_last_known_revision() -> None:
    assert SCHEMA_REVISIONS[-1] == SCHEMA_HEAD
    assert SCHEMA_REVISIONS[0] == "0001"


def test_the_database_refuses_to_change_audit_rows(store: Store) -> None:
    from granskning.services import registry
    from granskning.storage.model import AuditEvent

    registry.add_municipality(store, "Gävle")
    with store.read() as s:
        count = s.execute(text("SELECT count(*) FROM audit_event")).scalar_one()
    assert count == 1
    for statement in (
        update(AuditEvent).values(action="rewritten"),
        delete(AuditEvent),
    ):
        with pytest.raises(IntegrityError, match="append-only"):
            with store.atomic() as s:
                s.execute(statement)
    with store.read() as s:
        rows = s.execute(text("SELECT action FROM audit_event")).all()
    assert [r[0] for r in rows] == ["add"]


def _open(url: str, start: Any) -> None:
    start.wait()
    Store(url).dispose()


@pytest.mark.slow
def test_programs_opening_a_fresh_database_at_once_all_succeed(empty_db: Any) -> None:
    # processes, not threads: alembic keeps its migration context in module globals
    import multiprocessing

    url = empty_db("fresh")
    ctx = multiprocessing.get_context("fork")
    start = ctx.Barrier(4)
    procs = [ctx.Process(target=_open, args=(url, start)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    store = Store(url)
    assert store.schema_revision() == SCHEMA_HEAD
    store.dispose()
