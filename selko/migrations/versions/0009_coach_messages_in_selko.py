"""a coach's message waits on the client's Today: when the phone showed it, when the client saw it

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 02:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reminders') as batch_op:
        batch_op.add_column(sa.Column('shown_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('seen_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('reminders') as batch_op:
        batch_op.drop_column('seen_at')
        batch_op.drop_column('shown_at')
