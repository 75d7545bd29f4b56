"""case register: cases with parties and right-specific data, fees, payments, deadlines,
documents, publications, register entries and the application-number sequences

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 22:57:52.851986
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import engine.db.base

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('number_sequences',
    sa.Column('right_type', sa.String(length=16), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_serial', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('right_type', 'year', name=op.f('pk_number_sequences'))
    )
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_number', sa.String(length=32), nullable=True),
    sa.Column('right_type', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('filing_date', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('created_at', engine.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', engine.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'], name=op.f('fk_cases_instance_id_process_instances'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_application_number'), ['application_number'], unique=True)
        batch_op.create_index(batch_op.f('ix_cases_filing_date'), ['filing_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index('ix_cases_right_type_status', ['right_type', 'status'], unique=False)
        batch_op.create_index('ix_cases_title', ['title'], unique=False)

    op.create_table('deadlines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('legal_kind', sa.String(length=16), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('extensions', sa.Integer(), nullable=False),
    sa.Column('closed_at', engine.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_deadlines_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadlines'))
    )
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadlines_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_deadlines_status_due', ['status', 'due_date'], unique=False)

    op.create_table('design_details',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('locarno_class', sa.String(length=5), nullable=False),
    sa.Column('deferment_requested', sa.Boolean(), nullable=False),
    sa.Column('deferred_until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_design_details_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_design_details'))
    )
    with op.batch_alter_table('design_details', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_design_details_locarno_class'), ['locarno_class'], unique=False)

    op.create_table('design_items',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('product_indication', sa.String(length=500), nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.CheckConstraint('number >= 1 AND views >= 1', name=op.f('ck_design_items_positive')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_design_items_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'number', name=op.f('pk_design_items'))
    )
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', engine.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('idempotency_key', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_documents_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_documents_idempotency_key'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_sha256'), ['sha256'], unique=False)

    op.create_table('fee_sheets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('tariff', sa.String(length=255), nullable=False),
    sa.Column('computed_at', engine.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('lines', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_fee_sheets_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_sheets'))
    )
    with op.batch_alter_table('fee_sheets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_sheets_case_id'), ['case_id'], unique=False)

    op.create_table('goods_services',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('nice_class', sa.Integer(), nullable=False),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.CheckConstraint('nice_class BETWEEN 1 AND 45', name=op.f('ck_goods_services_nice_class_range')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_goods_services_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'nice_class', name=op.f('pk_goods_services'))
    )
    op.create_table('ipc_classes',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('symbol', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_ipc_classes_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'symbol', name=op.f('pk_ipc_classes'))
    )
    with op.batch_alter_table('ipc_classes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ipc_classes_symbol'), ['symbol'], unique=False)

    op.create_table('parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_parties_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parties')),
    sa.UniqueConstraint('case_id', 'role', 'position', name=op.f('uq_parties_case_id_role_position'))
    )
    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parties_case_id'), ['case_id'], unique=False)

    op.create_table('patent_details',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('abstract', sa.Text(), nullable=True),
    sa.Column('claims_total', sa.Integer(), nullable=False),
    sa.Column('claims_independent', sa.Integer(), nullable=False),
    sa.Column('pct_number', sa.String(length=32), nullable=True),
    sa.Column('earliest_priority_date', sa.Date(), nullable=True),
    sa.CheckConstraint('claims_independent >= 1 AND claims_independent <= claims_total', name=op.f('ck_patent_details_claims_counts')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_patent_details_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_patent_details'))
    )
    op.create_table('priority_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('priority_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_priority_claims_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priority_claims'))
    )
    with op.batch_alter_table('priority_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_priority_claims_case_id'), ['case_id'], unique=False)

    op.create_table('publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('gazette_number', sa.String(length=16), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_publications_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publications'))
    )
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publications_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publications_gazette_number'), ['gazette_number'], unique=False)

    op.create_table('register_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('registration_number', sa.String(length=32), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('term_start', sa.Date(), nullable=False),
    sa.Column('expiry_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_register_entries_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_entries')),
    sa.UniqueConstraint('case_id', name=op.f('uq_register_entries_case_id')),
    sa.UniqueConstraint('registration_number', name=op.f('uq_register_entries_registration_number'))
    )
    with op.batch_alter_table('register_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_entries_expiry_date'), ['expiry_date'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('fee_sheet_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('reference', sa.String(length=128), nullable=False),
    sa.Column('received_at', engine.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('matched', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_payments_case_id_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fee_sheet_id'], ['fee_sheets.id'], name=op.f('fk_payments_fee_sheet_id_fee_sheets'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('reference', name=op.f('uq_payments_reference'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_fee_sheet_id'), ['fee_sheet_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_matched'), ['matched'], unique=False)

    op.create_table('trademark_details',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('mark_kind', sa.String(length=16), nullable=False),
    sa.Column('mark_type', sa.String(length=16), nullable=False),
    sa.Column('verbal_element', sa.String(length=500), nullable=True),
    sa.Column('image_document_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_trademark_details_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['image_document_id'], ['documents.id'], name=op.f('fk_trademark_details_image_document_id_documents'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_trademark_details'))
    )


def downgrade() -> None:
    op.drop_table('trademark_details')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_matched'))
        batch_op.drop_index(batch_op.f('ix_payments_fee_sheet_id'))
        batch_op.drop_index(batch_op.f('ix_payments_case_id'))

    op.drop_table('payments')
    with op.batch_alter_table('register_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_entries_expiry_date'))

    op.drop_table('register_entries')
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publications_gazette_number'))
        batch_op.drop_index(batch_op.f('ix_publications_case_id'))

    op.drop_table('publications')
    with op.batch_alter_table('priority_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_priority_claims_case_id'))

    op.drop_table('priority_claims')
    op.drop_table('patent_details')
    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parties_case_id'))

    op.drop_table('parties')
    with op.batch_alter_table('ipc_classes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ipc_classes_symbol'))

    op.drop_table('ipc_classes')
    op.drop_table('goods_services')
    with op.batch_alter_table('fee_sheets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_sheets_case_id'))

    op.drop_table('fee_sheets')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_sha256'))
        batch_op.drop_index(batch_op.f('ix_documents_case_id'))

    op.drop_table('documents')
    op.drop_table('design_items')
    with op.batch_alter_table('design_details', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_design_details_locarno_class'))

    op.drop_table('design_details')
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_index('ix_deadlines_status_due')
        batch_op.drop_index(batch_op.f('ix_deadlines_case_id'))

    op.drop_table('deadlines')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_title')
        batch_op.drop_index('ix_cases_right_type_status')
        batch_op.drop_index(batch_op.f('ix_cases_instance_id'))
        batch_op.drop_index(batch_op.f('ix_cases_filing_date'))
        batch_op.drop_index(batch_op.f('ix_cases_application_number'))

    op.drop_table('cases')
    op.drop_table('number_sequences')
