"""client actions are recorded once by their key; the coach can correct a day's attendance

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('client_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.Enum('arrive', 'leave', 'absent', 'tick', 'help', 'assessment', name='actionkind', native_enum=False, length=16), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('pressed_at', sa.DateTime(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('done', 'superseded', 'refused', name='actionoutcome', native_enum=False, length=16), nullable=False),
    sa.Column('what', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['users.id'], name=op.f('fk_client_actions_client_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_actions')),
    sa.UniqueConstraint('client_id', 'key', name=op.f('uq_client_actions_client_id_key'))
    )
    with op.batch_alter_table('client_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_actions_client_id'), ['client_id'], unique=False)

    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('corrected_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('corrected_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_attendance_corrected_by_id_users'), 'users', ['corrected_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attendance_corrected_by_id_users'), type_='foreignkey')
        batch_op.drop_column('corrected_at')
        batch_op.drop_column('corrected_by_id')
    with op.batch_alter_table('client_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_actions_client_id'))
    op.drop_table('client_actions')
