"""the database announces a session's changes itself (PostgreSQL)

A live session page follows its interview's notes and clock steps; on PostgreSQL the web
workers learn of a change by LISTEN on the channel ``granskning_live`` (the interview's id
as payload). Until now every action sent that NOTIFY as a statement of its own; from here
triggers on ``note`` (insert, update) and ``session_event`` (insert) send it, once per
statement and interview, inside the transaction that made the change: delivered at its
commit, never after a rollback, and whatever program wrote the row. It spares every note a
round trip to the server. SQLite has no NOTIFY: nothing changes there.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-28
"""
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# the channel of granskning.services.sessions.CHANNEL (fixed here as it was at 0012)
CHANNEL = 'granskning_live'
TRIGGERS = (
    ('note_announce_insert', 'note', 'INSERT'),
    ('note_announce_update', 'note', 'UPDATE'),
    ('session_event_announce', 'session_event', 'INSERT'),
)


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        return
    op.execute(
        f"""
        CREATE FUNCTION granskning_announce() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', changed_interview::text)
            FROM (SELECT DISTINCT interview_id AS changed_interview FROM changed) AS t;
            RETURN NULL;
        END
        $$
        """
    )
    for name, table, event in TRIGGERS:
        op.execute(
            f'CREATE TRIGGER {name} AFTER {event} ON {table} '
            'REFERENCING NEW TABLE AS changed '
            'FOR EACH STATEMENT EXECUTE FUNCTION granskning_announce()'
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        return
    for name, table, _event in TRIGGERS:
        op.execute(f'DROP TRIGGER IF EXISTS {name} ON {table}')
    op.execute('DROP FUNCTION IF EXISTS granskning_announce()')
