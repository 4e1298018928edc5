"""The triggers of revision 0002 that keep audit_event append-only, shared by the revisions
that make them (0002) and make them again (0003, after its rebuild and on its downgrade).

Released revisions run this DDL: it must not change. A new rule needs a new revision."""

from __future__ import annotations

from alembic import op

MESSAGE = "audit_event is append-only: audit rows are never updated or deleted"


def create_event_triggers(sqlite: bool) -> None:
    """audit_event rows are never updated or deleted (on PostgreSQL through the function
    ``granskning_audit_append_only``, which 0002 makes)."""
    if sqlite:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
    else:
        op.execute(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION granskning_audit_append_only()"
        )


def drop_event_triggers(sqlite: bool) -> None:
    """The triggers :func:`create_event_triggers` makes, gone."""
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
