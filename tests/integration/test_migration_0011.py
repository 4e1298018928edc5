"""Migration 0011 from a database at 0009: existing recommendations are numbered R1, R2, ...
per review in the order they were made, the review remembers how many it has issued, and
the search index of 0009 keeps working on the tables that got columns."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, create_engine, text

from granskning.services import findings
from granskning.storage.model import Review
from granskning.storage.store import SCHEMA_HEAD, Store

OLD_DB = Path(__file__).resolve().parents[1] / "data" / "schema_0001.db"
UID = "{:032x}"


def _at_0009(url: str) -> Store:
    """A database at 0009 holding the kept 0001 file's rows."""
    old = Store(url, migrate=False)
    old.upgrade("0001")
    src = create_engine(f"sqlite:///{OLD_DB}")
    meta = MetaData()
    meta.reflect(src)
    with src.connect() as conn, old.engine.begin() as db:
        for table in meta.sorted_tables:
            if table.name != "alembic_version":
                db.execute(table.insert(), [dict(r._mapping) for r in conn.execute(table.select())])
    src.dispose()
    old.upgrade("0009")
    return old


@pytest.mark.slow
def test_0011_numbers_recommendations_in_the_order_they_were_made(
    empty_db: Any, tmp_path: Path
) -> None:
    url = empty_db("m0011")
    old = _at_0009(url)
    with old.engine.begin() as db:
        # made later but stored first, and the other way round: the time decides
        for ident, day in ((10, "2026-03-20"), (11, "2026-03-16")):
            db.execute(
                text(
                    "INSERT INTO recommendation (id, uid, review_id, block_id, text, created_at) "
                    "VALUES (:id, :uid, 1, NULL, :text, :at)"
                ),
                {
                    "id": ident,
                    "uid": UID.format(ident),
                    "text": f"rek {ident}",
                    "at": f"{day} 09:00:00",
                },
            )
    old.dispose()
    store = Store(url)
    assert store.schema_revision() == SCHEMA_HEAD
    with store.engine.connect() as db:
        numbers = db.execute(
            text("SELECT id, number FROM recommendation WHERE review_id = 1 ORDER BY number")
        ).all()
        issued = db.execute(text("SELECT recommendations_issued FROM review WHERE id = 1")).scalar()
        empty = db.execute(text("SELECT count(*) FROM seminar_participant")).scalar()
        deadlines = db.execute(text("SELECT count(deadline) FROM follow_up_item")).scalar()
    assert [tuple(r) for r in numbers] == [(1, 1), (11, 2), (10, 3)]
    assert (issued, empty, deadlines) == (3, 0, 0)
    with store.read() as s:
        review = s.get(Review, 1)
        assert review is not None and findings.next_number(s, review) == 4
    # 0009's search still follows the recommendation table (a trigger on SQLite, a
    # generated column on PostgreSQL)
    with store.engine.begin() as db:
        db.execute(text("UPDATE recommendation SET text = 'barnbokslut varje år' WHERE id = 10"))
    with store.engine.connect() as db:
        if store.is_sqlite:
            hits = db.execute(
                text(
                    "SELECT rowid FROM search_recommendation WHERE search_recommendation MATCH 'barnbokslut'"
                )
            ).all()
        else:
            hits = db.execute(
                text(
                    "SELECT id FROM recommendation WHERE search @@ to_tsquery('swedish', 'barnbokslut')"
                )
            ).all()
    assert [r[0] for r in hits] == [10]
    store.dispose()
    # and SQLite's file is whole
    if url.startswith("sqlite"):
        copy = tmp_path / "copy.db"
        shutil.copyfile(url.removeprefix("sqlite:///"), copy)
        import sqlite3

        conn = sqlite3.connect(copy)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        conn.close()
