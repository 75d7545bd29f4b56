"""dashboard and monitor indexes

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 05:00:00.000000

The manager's dashboard reads steps done in a date range (status, completed_at), each instance's
earlier steps (instance_id, completed_at), instances that ended in the range (status, completed_at)
and registrations in the range (registered_on). The instance monitor filters instances by age
(status, created_at) and counts waiting jobs per step (status, element_id).
"""
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_human_tasks_status_completed', ['status', 'completed_at'], unique=False)
        batch_op.create_index('ix_human_tasks_instance_completed', ['instance_id', 'completed_at'], unique=False)
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.create_index('ix_process_instances_status_completed', ['status', 'completed_at'], unique=False)
        batch_op.create_index('ix_process_instances_status_created', ['status', 'created_at'], unique=False)
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_status_element', ['status', 'element_id'], unique=False)
    with op.batch_alter_table('register_entries', schema=None) as batch_op:
        batch_op.create_index('ix_register_entries_registered_on', ['registered_on'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('register_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_register_entries_registered_on')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_status_element')
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.drop_index('ix_process_instances_status_created')
        batch_op.drop_index('ix_process_instances_status_completed')
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_human_tasks_instance_completed')
        batch_op.drop_index('ix_human_tasks_status_completed')
