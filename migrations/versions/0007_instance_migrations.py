"""instance migrations

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 12:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import engine.db.base


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('instance_migrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('from_version_id', sa.Integer(), nullable=False),
    sa.Column('to_version_id', sa.Integer(), nullable=False),
    sa.Column('state_before', sa.Text(), nullable=False),
    sa.Column('lock_version_after', sa.Integer(), nullable=False),
    sa.Column('migrated_by', sa.String(length=64), nullable=False),
    sa.Column('migrated_at', engine.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reversed_at', engine.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reversed_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['from_version_id'], ['definition_versions.id'], name=op.f('fk_instance_migrations_from_version_id_definition_versions')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'], name=op.f('fk_instance_migrations_instance_id_process_instances'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_version_id'], ['definition_versions.id'], name=op.f('fk_instance_migrations_to_version_id_definition_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instance_migrations'))
    )
    with op.batch_alter_table('instance_migrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instance_migrations_instance_id'), ['instance_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('instance_migrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instance_migrations_instance_id'))

    op.drop_table('instance_migrations')
