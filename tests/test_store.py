"""The database layer: URLs, pragmas, migrations, atomic()."""

from __future__ import annotations

from pathlib import Path

import pytest

from granskning.errors import InputError
from granskning.store import SCHEMA_HEAD, SchemaError, Store, resolve_url


def test_schema_head_matches_migrations() -> None:
    from granskning.migrations import script_head

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
    from granskning.model import Municipality

    with pytest.raises(RuntimeError):
        with store.atomic() as s:
            s.add(Municipality(name="A", key="a", created_at=store.now()))
            s.flush()
            raise RuntimeError("boom")
    with store.read() as s:
        assert s.get(Municipality, 1) is None
