"""a photo's pixel size on its media files

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 18:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('media_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('width', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('height', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('media_files', schema=None) as batch_op:
        batch_op.drop_column('height')
        batch_op.drop_column('width')
