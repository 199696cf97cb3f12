"""the coach can show a client's task steps one at a time

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-03 08:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('client_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('one_step_at_a_time', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('client_profiles', schema=None) as batch_op:
        batch_op.drop_column('one_step_at_a_time')
