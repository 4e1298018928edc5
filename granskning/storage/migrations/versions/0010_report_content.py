"""the report's content: quoted notes, the notes appendix choice, texts per block

A note may be chosen as a quote for the report's body (note.quoted); a review says whether
its report carries the notes appendix (review.notes_appendix; NULL: not chosen, included);
the team's analysis of a block is a report text keyed "block:<block id>", so the section
column grows to hold any block id (SQLite does not enforce the length).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # added without rebuilding the tables (SQLite): the search index's triggers stay
    op.add_column(
        'note', sa.Column('quoted', sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column('review', sa.Column('notes_appendix', sa.Boolean(), nullable=True))
    if op.get_bind().dialect.name != 'sqlite':
        op.alter_column(
            'report_text', 'section', type_=sa.String(length=110), existing_nullable=False
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        op.execute("DELETE FROM report_text WHERE section LIKE 'block:%'")
        op.alter_column(
            'report_text', 'section', type_=sa.String(length=30), existing_nullable=False
        )
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+): no rebuild, the triggers stay
    op.drop_column('review', 'notes_appendix')
    op.drop_column('note', 'quoted')
