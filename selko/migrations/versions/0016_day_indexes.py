"""indexes for a day's ticks and presses and the open talks, at scale

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 12:30:00

Today and the board read one day of a client's ticks and presses, and the
board the few "I want to talk" answers still open; with only client_id
indexed each of them read a year of the client's rows (bench/scale.py).
Each table's unique index already starts with client_id, so these replace
the client_id-only indexes instead of being written beside them.
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

OPEN_TALK = "wants_to_talk IS TRUE AND talk_handled_at IS NULL"
OPEN_TALK_SQLITE = "wants_to_talk IS 1 AND talk_handled_at IS NULL"  # SQLAlchemy's is_(True) there


def upgrade():
    with op.batch_alter_table('step_ticks', schema=None) as batch_op:
        batch_op.create_index('ix_step_ticks_client_id_date', ['client_id', 'date'], unique=False)
        batch_op.drop_index('ix_step_ticks_client_id')
    with op.batch_alter_table('client_actions', schema=None) as batch_op:
        batch_op.create_index('ix_client_actions_client_id_day', ['client_id', 'day'], unique=False)
        batch_op.drop_index('ix_client_actions_client_id')
    with op.batch_alter_table('self_assessments', schema=None) as batch_op:
        batch_op.create_index('ix_self_assessments_open_talks', ['client_id'], unique=False,
                              postgresql_where=sa.text(OPEN_TALK), sqlite_where=sa.text(OPEN_TALK_SQLITE))
        batch_op.drop_index('ix_self_assessments_client_id')


def downgrade():
    with op.batch_alter_table('self_assessments', schema=None) as batch_op:
        batch_op.create_index('ix_self_assessments_client_id', ['client_id'], unique=False)
        batch_op.drop_index('ix_self_assessments_open_talks')
    with op.batch_alter_table('client_actions', schema=None) as batch_op:
        batch_op.create_index('ix_client_actions_client_id', ['client_id'], unique=False)
        batch_op.drop_index('ix_client_actions_client_id_day')
    with op.batch_alter_table('step_ticks', schema=None) as batch_op:
        batch_op.create_index('ix_step_ticks_client_id', ['client_id'], unique=False)
        batch_op.drop_index('ix_step_ticks_client_id_date')
