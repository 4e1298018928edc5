"""The database layer: URLs, pragmas, migrations, atomic()."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text, update

from granskning.domain.errors import InputError
from granskning.storage import uow
from granskning.storage.store import SCHEMA_HEAD, SchemaError, Store, resolve_url


def test_schema_head_matches_migrations() -> None:
    from granskning.storage.migrations import script_head

    assert script_head() == SCHEMA_HEAD


def test_plain_path_means_sqlite(tmp_path: Path) -> None:
    assert resolve_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"


@pytest.mark.parametrize(
    "bad",
    ["mysql://u@h/db", "postgresql+asyncpg://u@h/db", "://nothing", "/no/such/folder/x.db"],
)
def test_bad_db_values_are_input_errors(bad: str) -> None:
    with pytest.raises(InputError):
        resolve_url(bad)


@pytest.mark.slow
def test_sqlite_pragmas(tmp_path: Path) -> None:
    st = Store(f"sqlite:///{tmp_path / 'p.db'}")
    with st.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Store(f"sqlite:///{path}").dispose()
    st = Store(f"sqlite:///{path}", migrate=False)
    with st.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    st.dispose()
    with pytest.raises(SchemaError, match="newer"):
        Store(f"sqlite:///{path}")
    # and nothing was altered
    st = Store(f"sqlite:///{path}", migrate=False)
    assert st.schema_revision() == "9999"


def test_foreign_database_is_refused(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(SchemaError, match="not a granskning database"):
        Store(f"sqlite:///{path}")


def test_atomic_rolls_back_everything(store: Store) -> None:
    from granskning.storage.model import Municipality

    with pytest.raises(RuntimeError):
        with store.atomic() as s:
            s.add(Municipality(name="A", key="a", created_at=store.now()))
            s.flush()
            raise RuntimeError("boom")
    with store.read() as s:
        assert s.get(Municipality, 1) is None


# -- retries: a whole transaction again when others held the database -------------------------


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another program in the middle of a write: holds SQLite's write lock until commit."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute(
        "INSERT INTO municipality (name, key, created_at) "
        "VALUES ('Other', 'other', '2026-03-01 08:00:00.000000')"
    )
    return other


def test_a_locked_sqlite_database_is_retried_until_free(tmp_path: Path) -> None:
    from granskning.services import registry

    path = tmp_path / "busy.db"
    Store(f"sqlite:///{path}").dispose()
    other = _hold_write_lock(path)
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 2:  # the other writer commits while we wait a second time
            other.execute("COMMIT")

    st = Store(f"sqlite:///{path}", busy_timeout_ms=10, sleep=sleep)
    row = registry.add_municipality(st, "Gävle")
    assert row.name == "Gävle"
    assert st.stats.retries == 2 and len(pauses) == 2
    assert all(0 < p <= 1.5 for p in pauses)
    assert [m.name for m in registry.list_municipalities(st)] == ["Gävle", "Other"]
    st.dispose()
    other.close()


def test_a_database_that_stays_locked_gives_a_plain_error_and_changes_nothing(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from granskning.cli import cli
    from granskning.cli._base import App
    from granskning.storage.store import RETRY_ATTEMPTS

    path = tmp_path / "busy.db"
    Store(f"sqlite:///{path}").dispose()
    other = _hold_write_lock(path)
    st = Store(f"sqlite:///{path}", busy_timeout_ms=5, sleep=lambda _s: None)
    result = CliRunner().invoke(
        cli, ["--lang", "en", "municipality", "add", "Gävle"], obj=App(_store=st)
    )
    assert result.exit_code == 1, result.output
    assert "the database is busy" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert st.stats.retries == RETRY_ATTEMPTS - 1
    other.execute("ROLLBACK")
    other.close()
    with st.read() as s:
        assert s.execute(text("SELECT count(*) FROM municipality")).scalar_one() == 0
        assert s.execute(text("SELECT count(*) FROM audit_event")).scalar_one() == 0
    st.dispose()


def test_transient_kinds() -> None:
    import psycopg.errors
    from sqlalchemy.exc import IntegrityError, OperationalError

    from granskning.storage.store import transient_kind

    def wrap(cls: type[Exception], orig: Exception) -> Exception:
        return cls("stmt", {}, orig)  # type: ignore[call-arg]

    assert transient_kind(wrap(OperationalError, sqlite3.OperationalError("database is locked")))
    assert transient_kind(wrap(OperationalError, psycopg.errors.DeadlockDetected())) == "busy"
    assert transient_kind(wrap(OperationalError, psycopg.errors.SerializationFailure())) == "busy"
    assert transient_kind(wrap(IntegrityError, psycopg.errors.UniqueViolation())) == "race"
    assert transient_kind(wrap(OperationalError, sqlite3.OperationalError("no such table"))) is None
    assert transient_kind(wrap(IntegrityError, psycopg.errors.ForeignKeyViolation())) is None
    assert transient_kind(RuntimeError("x")) is None


@pytest.mark.slow
def test_a_postgresql_deadlock_is_retried(store: Store) -> None:
    """Two transactions lock two rows in opposite order: PostgreSQL kills one (40P01),
    Store.run runs it again from scratch and both changes land."""
    import threading

    from granskning.services import registry
    from granskning.storage.model import Municipality

    if store.is_sqlite:
        pytest.skip("SQLite takes the write lock at BEGIN IMMEDIATE: writers cannot deadlock")
    registry.add_municipality(store, "A")
    registry.add_municipality(store, "B")
    meet = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(first: int, second: int, name: str) -> None:
        attempts = 0

        def action(work: Any) -> None:
            nonlocal attempts
            attempts += 1
            s = work.session
            s.execute(update(Municipality).where(Municipality.id == first).values(name=name))
            if attempts == 1:
                meet.wait(10)
            s.execute(update(Municipality).where(Municipality.id == second).values(name=name))

        try:
            uow.run(store, action)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [
        threading.Thread(target=worker, args=(1, 2, "x")),
        threading.Thread(target=worker, args=(2, 1, "y")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert store.stats.retries == 1
    names = {m.name for m in registry.list_municipalities(store)}
    assert len(names) == 1  # one transaction ran wholly after the other
