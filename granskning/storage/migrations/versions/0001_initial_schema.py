"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23

Each table is a small function giving its columns and constraints, in the table of tables
below; upgrade creates them in order (with their indexes), downgrade drops them in reverse.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


# -- the column shapes the tables share ----------------------------------------------------


def _int(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def _string(name: str, length: int, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def _auto(name: str, length: int, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=nullable)


def _text(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def _time(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sqlmodel.sql.sqltypes.UTCDateTime(), nullable=nullable)


def _fk(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f'{table}.id'], )


def _record(*middle: Any) -> list[Any]:
    """A review's record with a uid: id, uid, review_id, then ``middle``, then created_at,
    the review key, the primary key and the unique uid."""
    return [
        _int('id'), _string('uid', 32), _int('review_id'), *middle, _time('created_at'),
        _fk('review_id', 'review'), sa.PrimaryKeyConstraint('id'), sa.UniqueConstraint('uid'),
    ]


def _municipality_link(owner: str, table: str) -> list[Any]:
    """A table of the municipalities of a round or a review."""
    return [
        _int(owner), _int('municipality_id'), _fk('municipality_id', 'municipality'),
        _fk(owner, table), sa.PrimaryKeyConstraint(owner, 'municipality_id'),
    ]


# -- one function per table ------------------------------------------------------------------


def _municipality() -> list[Any]:
    return [
        _int('id'), _string('name', 200), _string('key', 200), _time('created_at'),
        sa.PrimaryKeyConstraint('id'), sa.UniqueConstraint('key'),
    ]


def _round() -> list[Any]:
    return [
        _int('id'), _int('year'), _auto('theme', 300), _auto('template_name', 100),
        _time('created_at'), sa.PrimaryKeyConstraint('id'),
    ]


def _person() -> list[Any]:
    return [
        _int('id'), _string('uid', 32), _auto('name', 200), _int('municipality_id'),
        _auto('title', 200, True), _auto('email', 320, True), _time('forgotten_at', True),
        _time('created_at'), _fk('municipality_id', 'municipality'),
        sa.PrimaryKeyConstraint('id'), sa.UniqueConstraint('uid'),
    ]


def _review() -> list[Any]:
    return [
        _int('id'), _string('uid', 32), _int('host_id'), _int('round_id', True),
        _auto('state', 30), _int('version'), _auto('template_id', 100),
        _auto('template_version', 50), _auto('template_sha256', 64),
        _text('template_content'), sa.Column('handed_over_on', sa.Date(), nullable=True),
        _time('seminar_start', True), _auto('seminar_place', 300, True), _time('created_at'),
        _time('updated_at'), _fk('host_id', 'municipality'), _fk('round_id', 'round'),
        sa.PrimaryKeyConstraint('id'), sa.UniqueConstraint('uid'),
    ]


def _round_member() -> list[Any]:
    return _municipality_link('round_id', 'round')


def _assignment() -> list[Any]:
    return [
        _int('id'), _int('review_id'), _int('person_id'), _auto('role', 30),
        _time('created_at'), _fk('person_id', 'person'), _fk('review_id', 'review'),
        sa.PrimaryKeyConstraint('id'), sa.UniqueConstraint('review_id', 'person_id', 'role'),
    ]


def _finding() -> list[Any]:
    return _record(_auto('block_id', 100), _auto('kind', 20), _text('text'))


def _follow_up_item() -> list[Any]:
    return [
        _int('id'), _string('uid', 32), _int('review_id'), _auto('source', 30),
        _auto('source_uid', 32, True), _auto('block_id', 100, True), _text('text'),
        _auto('status', 20, True), _text('comment', True), _auto('responsible', 200, True),
        _int('merged_into_id', True), _time('created_at'), _time('updated_at'),
        _fk('merged_into_id', 'follow_up_item'), _fk('review_id', 'review'),
        sa.PrimaryKeyConstraint('id'), sa.UniqueConstraint('uid'),
    ]


def _interview() -> list[Any]:
    return [
        _int('id'), _string('uid', 32), _int('review_id'), _auto('group_id', 100),
        _time('start'), _int('minutes'), _auto('place', 300, True), _auto('state', 30),
        _int('moderator_id', True), _int('note_taker_id', True), _int('timekeeper_id', True),
        _text('cancel_reason', True), _int('sequence'), _int('version'), _time('created_at'),
        _time('updated_at'), _fk('moderator_id', 'person'), _fk('note_taker_id', 'person'),
        _fk('review_id', 'review'), _fk('timekeeper_id', 'person'),
        sa.PrimaryKeyConstraint('id'), sa.UniqueConstraint('uid'),
    ]


def _recommendation() -> list[Any]:
    return _record(_auto('block_id', 100, True), _text('text'))


def _report_text() -> list[Any]:
    return [
        _int('review_id'), _auto('section', 30), _text('text'), _time('updated_at'),
        _fk('review_id', 'review'), sa.PrimaryKeyConstraint('review_id', 'section'),
    ]


def _report_version() -> list[Any]:
    return [
        _int('id'), _int('review_id'), _int('number'), _auto('sha256', 64),
        sa.Column('content', sa.LargeBinary(), nullable=True), _auto('language', 10),
        _time('created_at'), _time('purged_at', True), _fk('review_id', 'review'),
        sa.PrimaryKeyConstraint('id'), sa.UniqueConstraint('review_id', 'number'),
    ]


def _reviewing_municipality() -> list[Any]:
    return _municipality_link('review_id', 'review')


def _audit_event() -> list[Any]:
    return [
        _int('id'), _string('uid', 32), _int('review_id', True), _int('interview_id', True),
        _auto('entity', 30), _auto('action', 50), _auto('from_state', 30, True),
        _auto('to_state', 30, True), _auto('actor', 200), _text('comment', True),
        _time('at'), _fk('interview_id', 'interview'), _fk('review_id', 'review'),
        sa.PrimaryKeyConstraint('id'), sa.UniqueConstraint('uid'),
    ]


def _interviewee() -> list[Any]:
    return [
        _int('id'), _int('interview_id'), _int('person_id', True), _auto('name', 200),
        _auto('title', 200, True), _auto('organisation', 200, True), _int('position'),
        _fk('interview_id', 'interview'), _fk('person_id', 'person'),
        sa.PrimaryKeyConstraint('id'),
    ]


def _note() -> list[Any]:
    return [
        _int('id'), _string('uid', 32), _int('interview_id'), _auto('question_id', 100, True),
        _text('text'), _int('rating', True), _auto('author', 200, True), _time('created_at'),
        _fk('interview_id', 'interview'), sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('uid'),
    ]


def _session_event() -> list[Any]:
    return [
        _int('id'), _int('interview_id'), _auto('kind', 20), _time('at'),
        _auto('question_id', 100, True), _fk('interview_id', 'interview'),
        sa.PrimaryKeyConstraint('id'),
    ]


# (table, its columns and constraints, its indexed columns), in the order of creation
TABLES: tuple[tuple[str, Callable[[], list[Any]], tuple[str, ...]], ...] = (
    ('municipality', _municipality, ()),
    ('round', _round, ()),
    ('person', _person, ('municipality_id',)),
    ('review', _review, ('host_id', 'round_id', 'state')),
    ('round_member', _round_member, ()),
    ('assignment', _assignment, ('person_id', 'review_id')),
    ('finding', _finding, ('review_id',)),
    ('follow_up_item', _follow_up_item, ('review_id',)),
    ('interview', _interview, ('review_id',)),
    ('recommendation', _recommendation, ('review_id',)),
    ('report_text', _report_text, ()),
    ('report_version', _report_version, ('review_id',)),
    ('reviewing_municipality', _reviewing_municipality, ()),
    ('audit_event', _audit_event, ('review_id',)),
    ('interviewee', _interviewee, ('interview_id',)),
    ('note', _note, ('interview_id',)),
    ('session_event', _session_event, ('interview_id',)),
)


def _create(table: str, parts: list[Any], indexed: tuple[str, ...]) -> None:
    """One table and its indexes."""
    op.create_table(table, *parts)
    if indexed:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in indexed:
                batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=False)


def _drop(table: str, indexed: tuple[str, ...]) -> None:
    """One table's indexes (the last made first), then the table."""
    if indexed:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in reversed(indexed):
                batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
    op.drop_table(table)


def upgrade() -> None:
    for table, parts, indexed in TABLES:
        _create(table, parts(), indexed)


def downgrade() -> None:
    for table, _parts, indexed in reversed(TABLES):
        _drop(table, indexed)
