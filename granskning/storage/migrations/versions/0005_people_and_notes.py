"""people, interviewees and notes (organisation, head count, edits)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a group of interviewees (a youth council of six): how many people it is; NULL is one person
    with op.batch_alter_table('interviewee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('head_count', sa.Integer(), nullable=True))
    # notes are corrected and removed, never deleted: the audit log keeps the earlier text
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('edited_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column('removed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.drop_column('removed_at')
        batch_op.drop_column('edited_at')
    with op.batch_alter_table('interviewee', schema=None) as batch_op:
        batch_op.drop_column('head_count')
