"""audit log append-only: the database refuses UPDATE and DELETE on audit_event

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""
from alembic import op

from granskning.storage.migrations.audit_triggers import (
    MESSAGE,
    create_event_triggers,
    drop_event_triggers,
)


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if not sqlite:
        op.execute(
            "CREATE FUNCTION granskning_audit_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; "
            "END $$"
        )
    create_event_triggers(sqlite)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    drop_event_triggers(sqlite)
    if not sqlite:
        op.execute("DROP FUNCTION IF EXISTS granskning_audit_append_only()")
