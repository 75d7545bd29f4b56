"""human_tasks.offered_roles

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 07:00:00.000000

The inbox filters open tasks by the roles they are offered to. With a million open and millions of
closed tasks, probing task_candidate_roles once per row read cost more than the rest of the page,
so the roles are kept on the task row too, as "|clerk|examiner|". Filled here from the table.
"""
import sqlalchemy as sa
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('offered_roles', sa.String(length=255), server_default='', nullable=False))
    joined = "string_agg(role, '|' ORDER BY role)" if op.get_bind().dialect.name == 'postgresql' else "group_concat(role, '|')"
    op.execute(
        "UPDATE human_tasks SET offered_roles = '|' || "
        f"(SELECT {joined} FROM task_candidate_roles WHERE task_candidate_roles.task_id = human_tasks.id) || '|' "
        "WHERE EXISTS (SELECT 1 FROM task_candidate_roles WHERE task_candidate_roles.task_id = human_tasks.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.drop_column('offered_roles')
