"""full-text search over notes, findings, recommendations, report texts and checklist items

On SQLite: one FTS5 table per kind of text (``search_note`` ...), kept in step with its
table by triggers in the same transaction as every write; a removed note leaves the index.
The tokenizer keeps å, ä and ö as letters of their own. Notes, findings, recommendations and
checklist items are indexed as external content (the text is not stored twice); report texts
have a small table of their own.

On PostgreSQL: a stored generated column ``search`` (``to_tsvector('swedish', ...)``) on each
of those tables, with a GIN index; the database computes it in the same statement as every
write, and it is NULL for a removed note.

A later migration that rebuilds one of these tables on SQLite (alembic's batch mode copies
and renames it) drops its triggers: it must make them again.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

TOKENIZE = "unicode61 remove_diacritics 0"

# FTS5 table, source table, indexed columns, the condition a row is indexed under
# (written for the trigger's NEW/OLD row as "{row}")
EXTERNAL = (
    ("search_note", "note", ("text",), "{row}.removed_at IS NULL"),
    ("search_finding", "finding", ("text",), None),
    ("search_recommendation", "recommendation", ("text",), None),
    ("search_item", "follow_up_item", ("text", "comment"), None),
)

# PostgreSQL: table, the document of a row
DOCUMENTS = (
    ("note", "CASE WHEN removed_at IS NULL THEN to_tsvector('swedish'::regconfig, text) END"),
    ("finding", "to_tsvector('swedish'::regconfig, text)"),
    ("recommendation", "to_tsvector('swedish'::regconfig, text)"),
    (
        "follow_up_item",
        "to_tsvector('swedish'::regconfig, text || ' ' || coalesce(comment, ''))",
    ),
    ("report_text", "to_tsvector('swedish'::regconfig, text)"),
)


def _when(condition, row):
    return f" WHERE {condition.format(row=row)}" if condition else ""


def _external(fts, source, columns, condition):
    cols = ", ".join(columns)
    old = ", ".join(f"old.{c}" for c in columns)
    new = ", ".join(f"new.{c}" for c in columns)
    forget = f"INSERT INTO {fts}({fts}, rowid, {cols}) SELECT 'delete', old.id, {old}"
    learn = f"INSERT INTO {fts}(rowid, {cols}) SELECT new.id, {new}"
    op.execute(
        f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{source}', "
        f"content_rowid='id', tokenize='{TOKENIZE}')"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {source} BEGIN "
        f"{learn}{_when(condition, 'new')}; END"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {source} BEGIN "
        f"{forget}{_when(condition, 'old')}; END"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_update AFTER UPDATE ON {source} BEGIN "
        f"{forget}{_when(condition, 'old')}; {learn}{_when(condition, 'new')}; END"
    )
    where = f" WHERE {condition.format(row=source)}" if condition else ""
    op.execute(f"INSERT INTO {fts}(rowid, {cols}) SELECT id, {cols} FROM {source}{where}")


def _report_texts():
    op.execute(
        "CREATE VIRTUAL TABLE search_text USING fts5(text, review_id UNINDEXED, "
        f"section UNINDEXED, tokenize='{TOKENIZE}')"
    )
    learn = "INSERT INTO search_text(text, review_id, section) VALUES (new.text, new.review_id, new.section)"
    forget = "DELETE FROM search_text WHERE review_id = old.review_id AND section = old.section"
    op.execute(f"CREATE TRIGGER search_text_insert AFTER INSERT ON report_text BEGIN {learn}; END")
    op.execute(f"CREATE TRIGGER search_text_delete AFTER DELETE ON report_text BEGIN {forget}; END")
    op.execute(
        f"CREATE TRIGGER search_text_update AFTER UPDATE ON report_text BEGIN {forget}; {learn}; END"
    )
    op.execute(
        "INSERT INTO search_text(text, review_id, section) "
        "SELECT text, review_id, section FROM report_text"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for spec in EXTERNAL:
            _external(*spec)
        _report_texts()
        return
    for table, document in DOCUMENTS:
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search tsvector GENERATED ALWAYS AS ({document}) STORED"
        )
        op.execute(f"CREATE INDEX ix_{table}_search ON {table} USING gin (search)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for fts, *_rest in (*EXTERNAL, ("search_text",)):
            for verb in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{verb}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
        return
    for table, _document in DOCUMENTS:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_search")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search")
