"""review corrections (report language, seminar and round rules)

A review and a round each get the language of their documents (report, checklist,
compilation): Swedish unless chosen. Existing rows become Swedish.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('review', 'round'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    'language',
                    sqlmodel.sql.sqltypes.AutoString(length=10),
                    nullable=False,
                    server_default='sv',
                )
            )


def downgrade() -> None:
    for table in ('review', 'round'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('language')
