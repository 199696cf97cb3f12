"""the coach's contact log per client; "I want to talk" stays open until the coach handles it

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('visit', 'call', 'message', 'meeting', name='contactkind', native_enum=False, length=16), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('logged_by_id', sa.Integer(), nullable=False),
    sa.Column('logged_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['users.id'], name=op.f('fk_contacts_client_id_users')),
    sa.ForeignKeyConstraint(['logged_by_id'], ['users.id'], name=op.f('fk_contacts_logged_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index('ix_contacts_client_id_date', ['client_id', 'date'], unique=False)

    with op.batch_alter_table('self_assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('talk_handled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('talk_handled_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_self_assessments_talk_handled_by_id_users'), 'users', ['talk_handled_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('self_assessments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_self_assessments_talk_handled_by_id_users'), type_='foreignkey')
        batch_op.drop_column('talk_handled_by_id')
        batch_op.drop_column('talk_handled_at')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index('ix_contacts_client_id_date')
    op.drop_table('contacts')
