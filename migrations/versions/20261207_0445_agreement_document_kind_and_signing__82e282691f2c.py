"""agreement document kind and signing venue

The kind of document (合同/协议/战略合作; null: as the agreement's kind suggests)
and where it was signed (at the ceremony, or elsewhere during the event), for
totals split the way provincial reports are written. Existing agreements were
signed at ceremonies: the server default says so.

Revision ID: 82e282691f2c
Revises: 38ae88b8793e
Create Date: 2026-12-07 03:53:59.077108

"""
from alembic import op
import sqlalchemy as sa

import alliance_app.core.db


# revision identifiers, used by Alembic.
revision = '82e282691f2c'
down_revision = '38ae88b8793e'
branch_labels = None
depends_on = None


def upgrade():
    # The CHECKs the models' enum types carry, named explicitly (add_column alone
    # does not create them on PostgreSQL).
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_kind', sa.String(length=29), nullable=True))
        batch_op.add_column(sa.Column('signing_venue', sa.String(length=17), server_default='ceremony',
                                      nullable=False))
        batch_op.create_check_constraint(
            'document_kind', "document_kind IN ('contract', 'agreement', 'strategic_cooperation')")
        batch_op.create_check_constraint('signing_venue', "signing_venue IN ('ceremony', 'elsewhere')")


def downgrade():
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_agreements_signing_venue'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_agreements_document_kind'), type_='check')
        batch_op.drop_column('signing_venue')
        batch_op.drop_column('document_kind')
