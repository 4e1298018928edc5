"""the audit chain (tamper-evident, redactable free text)

Every audit event becomes a link of a hash chain (its review's, or the database's own for
events without a review and for imports), its actor and comment move beside the chain into
audit_detail (redactable; the chain covers their SHA-256), audit_chain keeps each chain's
head, and the database also refuses INSERT OR REPLACE (SQLite) and TRUNCATE (PostgreSQL) on
the log. Existing rows are chained in the order they were written.

The hashed form is written out here rather than imported, so that this revision keeps
computing what it computed when it was released (granskning.storage.audit, form 1).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""
from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

from granskning.storage.migrations.audit_triggers import (
    MESSAGE,
    create_event_triggers,
    drop_event_triggers,
)


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

DETAIL_MESSAGE = "audit_detail and audit_chain rows are never deleted or replaced"


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _utc(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _event_hash(row: Any, chain: str, seq: int, prev: str | None, interview: str | None,
                detail: str) -> str:
    return _sha(_canonical({
        "form": 1, "chain": chain, "seq": seq, "prev": prev, "uid": row.uid,
        "interview": interview, "entity": row.entity, "action": row.action,
        "from": row.from_state, "to": row.to_state, "data": {}, "detail": detail,
        "at": _utc(row.at),
    }))


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    drop_event_triggers(sqlite)
    rows, reviews, interviews = _read_log(bind)
    _add_chain_columns()
    heads, updates, details = _chain(rows, reviews, interviews)
    _write_links(bind, updates)
    _finish_chain_columns()
    _create_detail_and_chain(details, heads)
    _create_triggers(sqlite)


def _read_log(bind: Any) -> tuple[list[Any], dict[int, str], dict[int, str]]:
    """What the log holds now, in the order it was written, and the review and interview uids."""
    old = sa.table(
        "audit_event",
        sa.column("id", sa.Integer), sa.column("uid", sa.String),
        sa.column("review_id", sa.Integer), sa.column("interview_id", sa.Integer),
        sa.column("entity", sa.String), sa.column("action", sa.String),
        sa.column("from_state", sa.String), sa.column("to_state", sa.String),
        sa.column("actor", sa.String), sa.column("comment", sa.Text),
        sa.column("at", sqlmodel.sql.sqltypes.UTCDateTime()),
    )
    rows = bind.execute(sa.select(old).order_by(old.c.at, old.c.id)).all()
    reviews = dict(bind.execute(sa.text("SELECT id, uid FROM review")).all())
    interviews = dict(bind.execute(sa.text("SELECT id, uid FROM interview")).all())
    return rows, reviews, interviews


def _add_chain_columns() -> None:
    with op.batch_alter_table("audit_event") as b:
        b.add_column(sa.Column("data", sa.Text(), nullable=True))
        b.add_column(sa.Column("detail_sha256", sa.String(length=64), nullable=True))
        b.add_column(sa.Column("chain", sa.String(length=32), nullable=True))
        b.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        b.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        b.add_column(sa.Column("hash", sa.String(length=64), nullable=True))


def _chain(
    rows: list[Any], reviews: dict[int, str], interviews: dict[int, str]
) -> tuple[dict[str, tuple[int, str]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Every row as the next link of its chain: the chains' heads, the rows' new columns and
    their details."""
    heads: dict[str, tuple[int, str]] = {}
    updates: list[dict[str, Any]] = []
    details: list[dict[str, Any]] = []
    for row in rows:
        chain = (
            reviews.get(row.review_id, "")
            if row.review_id is not None and row.action != "import"
            else ""
        )
        seq, prev = heads.get(chain, (0, None))
        seq += 1
        actor = row.actor or ""
        detail = _sha(_canonical({"actor": actor, "text": row.comment}))
        digest = _event_hash(row, chain, seq, prev, interviews.get(row.interview_id), detail)
        heads[chain] = (seq, digest)
        updates.append({"i": row.id, "d": "{}", "s": detail, "c": chain, "q": seq,
                        "p": prev, "h": digest})
        details.append({"event_uid": row.uid, "actor": actor, "text": row.comment})
    return heads, updates, details


def _write_links(bind: Any, updates: list[dict[str, Any]]) -> None:
    if updates:
        bind.execute(
            sa.text(
                "UPDATE audit_event SET data = :d, detail_sha256 = :s, chain = :c, seq = :q, "
                "prev_hash = :p, hash = :h WHERE id = :i"
            ),
            updates,
        )


def _finish_chain_columns() -> None:
    """The actor and comment leave the event; the chain's columns become required."""
    with op.batch_alter_table("audit_event") as b:
        b.drop_column("comment")
        b.drop_column("actor")
        b.alter_column("data", existing_type=sa.Text(), nullable=False)
        b.alter_column("detail_sha256", existing_type=sa.String(length=64), nullable=False)
        b.alter_column("chain", existing_type=sa.String(length=32), nullable=False)
        b.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        b.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        b.create_unique_constraint("uq_audit_event_chain_seq", ["chain", "seq"])


def _create_detail_and_chain(
    details: list[dict[str, Any]], heads: dict[str, tuple[int, str]]
) -> None:
    """audit_detail and audit_chain, filled from the chained rows."""
    detail_table = op.create_table(
        "audit_detail",
        sa.Column("event_uid", sa.String(length=32), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("redacted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("redacted_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.ForeignKeyConstraint(["event_uid"], ["audit_event.uid"]),
        sa.PrimaryKeyConstraint("event_uid"),
    )
    chain_table = op.create_table(
        "audit_chain",
        sa.Column("chain", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("head", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("chain"),
    )
    if details:
        op.bulk_insert(detail_table, details)
    if heads:
        op.bulk_insert(
            chain_table,
            [{"chain": c, "seq": s, "head": h} for c, (s, h) in sorted(heads.items())],
        )


def _create_triggers(sqlite: bool) -> None:
    create_event_triggers(sqlite)
    if sqlite:
        # INSERT OR REPLACE deletes the row it collides with without firing delete triggers
        op.execute(
            "CREATE TRIGGER audit_event_no_replace BEFORE INSERT ON audit_event "
            "WHEN EXISTS (SELECT 1 FROM audit_event WHERE id = NEW.id OR uid = NEW.uid "
            "OR (chain = NEW.chain AND seq = NEW.seq)) "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
        op.execute(
            "CREATE TRIGGER audit_detail_no_replace BEFORE INSERT ON audit_detail "
            "WHEN EXISTS (SELECT 1 FROM audit_detail WHERE event_uid = NEW.event_uid) "
            f"BEGIN SELECT RAISE(ABORT, '{DETAIL_MESSAGE}'); END"
        )
        op.execute(
            "CREATE TRIGGER audit_chain_no_replace BEFORE INSERT ON audit_chain "
            "WHEN EXISTS (SELECT 1 FROM audit_chain WHERE chain = NEW.chain) "
            f"BEGIN SELECT RAISE(ABORT, '{DETAIL_MESSAGE}'); END"
        )
        for table in ("audit_detail", "audit_chain"):
            op.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{DETAIL_MESSAGE}'); END"
            )
        return
    # TRUNCATE fires no row trigger: a statement trigger refuses it
    for table in ("audit_event", "audit_detail", "audit_chain"):
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION granskning_audit_append_only()"
        )
    for table in ("audit_detail", "audit_chain"):
        op.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION granskning_audit_append_only()"
        )


def downgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        for name in ("audit_event_no_update", "audit_event_no_delete", "audit_event_no_replace",
                     "audit_detail_no_replace", "audit_chain_no_replace",
                     "audit_detail_no_delete", "audit_chain_no_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        for table in ("audit_event", "audit_detail", "audit_chain"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        for table in ("audit_detail", "audit_chain"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}")
    details = bind.execute(sa.text("SELECT event_uid, actor, text FROM audit_detail")).all()
    with op.batch_alter_table("audit_event") as b:
        b.add_column(sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        b.add_column(sa.Column("comment", sa.Text(), nullable=True))
    if details:
        bind.execute(
            sa.text("UPDATE audit_event SET actor = :a, comment = :t WHERE uid = :u"),
            [{"a": d.actor, "t": d.text, "u": d.event_uid} for d in details],
        )
    op.drop_table("audit_detail")
    op.drop_table("audit_chain")
    with op.batch_alter_table("audit_event") as b:
        b.drop_constraint("uq_audit_event_chain_seq", type_="unique")
        for name in ("data", "detail_sha256", "chain", "seq", "prev_hash", "hash"):
            b.drop_column(name)
        b.alter_column("actor", existing_type=sqlmodel.sql.sqltypes.AutoString(length=200),
                       nullable=False)
    create_event_triggers(sqlite)
