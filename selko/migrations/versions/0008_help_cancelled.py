"""the client can take a help request back

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-25 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('help_requests') as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('help_requests') as batch_op:
        batch_op.drop_column('cancelled_at')
