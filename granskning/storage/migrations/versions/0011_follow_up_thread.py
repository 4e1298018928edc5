"""one thread of recommendations and the seminar record

Each recommendation gets a number per review (R1, R2, ...), assigned when it is made and
never reused: the review keeps how many it has issued. Existing recommendations are
numbered in the order they were made. A checklist item gets a deadline ("klart senast"). The
seminar record (minnesanteckningar) keeps its participants, next steps and the date of the
next follow-up.

Columns are added without rebuilding a table: 0009's search triggers on ``recommendation``
and ``follow_up_item`` stay as they are.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('recommendation', sa.Column('number', sa.Integer(), nullable=True))
    op.add_column(
        'review',
        sa.Column('recommendations_issued', sa.Integer(), nullable=False, server_default='0'),
    )
    op.add_column('review', sa.Column('seminar_next_steps', sa.Text(), nullable=True))
    op.add_column('review', sa.Column('next_follow_up', sa.Date(), nullable=True))
    op.add_column('follow_up_item', sa.Column('deadline', sa.Date(), nullable=True))
    _number_existing()
    op.create_index(
        'ix_recommendation_review_number', 'recommendation', ['review_id', 'number'], unique=True
    )
    op.create_table(
        'seminar_participant',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('municipality', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['review_id'], ['review.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_seminar_participant_review_id', 'seminar_participant', ['review_id'])


def _number_existing() -> None:
    """R1, R2, ... per review in the order the recommendations were made."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.text('SELECT id, review_id FROM recommendation ORDER BY review_id, created_at, id')
    ).fetchall()
    issued: dict[int, int] = {}
    for ident, review_id in rows:
        issued[review_id] = issued.get(review_id, 0) + 1
        conn.execute(
            sa.text('UPDATE recommendation SET number = :n WHERE id = :id'),
            {'n': issued[review_id], 'id': ident},
        )
    for review_id, count in issued.items():
        conn.execute(
            sa.text('UPDATE review SET recommendations_issued = :n WHERE id = :id'),
            {'n': count, 'id': review_id},
        )


def downgrade() -> None:
    op.drop_index('ix_seminar_participant_review_id', table_name='seminar_participant')
    op.drop_table('seminar_participant')
    op.drop_index('ix_recommendation_review_number', table_name='recommendation')
    with op.batch_alter_table('follow_up_item', schema=None) as batch_op:
        batch_op.drop_column('deadline')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_column('next_follow_up')
        batch_op.drop_column('seminar_next_steps')
        batch_op.drop_column('recommendations_issued')
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.drop_column('number')
