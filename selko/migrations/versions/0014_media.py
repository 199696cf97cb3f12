"""photos and recordings: the media files table and a step's voice

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 17:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('media_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_media_files_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media_files')),
    sa.UniqueConstraint('name', name=op.f('uq_media_files_name'))
    )
    with op.batch_alter_table('media_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_media_files_organisation_id'), ['organisation_id'], unique=False)
    with op.batch_alter_table('task_steps', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voice', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('task_steps', schema=None) as batch_op:
        batch_op.drop_column('voice')
    with op.batch_alter_table('media_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_media_files_organisation_id'))
    op.drop_table('media_files')
