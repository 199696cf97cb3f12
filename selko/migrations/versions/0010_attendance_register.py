"""the attendance register across days: corrections with their history, the
work diary, the daily compensation, a client's first day

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 20:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

REASON = sa.Enum('ill', 'doctor', 'family', 'transport', 'other', name='absencereason', native_enum=False, length=16)


def upgrade():
    with op.batch_alter_table('organisations') as batch_op:
        batch_op.add_column(sa.Column('daily_compensation', sa.Numeric(4, 2), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('half_day_counts_half', sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table('client_profiles') as batch_op:
        batch_op.add_column(sa.Column('started_on', sa.Date(), nullable=True))
    with op.batch_alter_table('attendance') as batch_op:
        batch_op.add_column(sa.Column('present_by_word', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        'attendance_corrections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('corrected_by_id', sa.Integer(), nullable=False),
        sa.Column('corrected_at', sa.DateTime(), nullable=False),
        sa.Column('before_arrived_at', sa.DateTime(), nullable=True),
        sa.Column('before_left_at', sa.DateTime(), nullable=True),
        sa.Column('before_absence_reason', REASON, nullable=True),
        sa.Column('before_present_by_word', sa.Boolean(), nullable=False),
        sa.Column('arrived_at', sa.DateTime(), nullable=True),
        sa.Column('left_at', sa.DateTime(), nullable=True),
        sa.Column('absence_reason', REASON, nullable=True),
        sa.Column('present_by_word', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['users.id'], name=op.f('fk_attendance_corrections_client_id_users')),
        sa.ForeignKeyConstraint(['corrected_by_id'], ['users.id'], name=op.f('fk_attendance_corrections_corrected_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_corrections')),
    )
    op.create_index('ix_attendance_corrections_client_date', 'attendance_corrections', ['client_id', 'date'])
    op.create_table(
        'work_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('text', sa.String(2000), nullable=False),
        sa.Column('shown_to_client', sa.Boolean(), nullable=False),
        sa.Column('written_by_id', sa.Integer(), nullable=False),
        sa.Column('written_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['users.id'], name=op.f('fk_work_notes_client_id_users')),
        sa.ForeignKeyConstraint(['written_by_id'], ['users.id'], name=op.f('fk_work_notes_written_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_work_notes')),
        sa.UniqueConstraint('client_id', 'date', name=op.f('uq_work_notes_client_id_date')),
    )


def downgrade():
    op.drop_table('work_notes')
    op.drop_index('ix_attendance_corrections_client_date', table_name='attendance_corrections')
    op.drop_table('attendance_corrections')
    with op.batch_alter_table('attendance') as batch_op:
        batch_op.drop_column('present_by_word')
    with op.batch_alter_table('client_profiles') as batch_op:
        batch_op.drop_column('started_on')
    with op.batch_alter_table('organisations') as batch_op:
        batch_op.drop_column('half_day_counts_half')
        batch_op.drop_column('daily_compensation')
