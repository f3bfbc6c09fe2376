"""agreement signing people and per-party originals

Revision ID: 94faf3a8e505
Revises: ea3774b6ef25
Create Date: 2026-12-07 03:53:57.183410

"""
from alembic import op
import sqlalchemy as sa

import alliance_app.core.db


# revision identifiers, used by Alembic.
revision = '94faf3a8e505'
down_revision = 'ea3774b6ef25'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agreement_signing_people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('witness', 'assistant', name='signing_role', native_enum=False, create_constraint=True, length=17), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_agreement_signing_people_agreement_id_agreements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_agreement_signing_people_organization_id_organizations'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_signing_people')),
    sa.UniqueConstraint('agreement_id', 'role', 'position', name=op.f('uq_agreement_signing_people_agreement_id_role_position'))
    )
    with op.batch_alter_table('agreement_signing_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_signing_people_agreement_id'), ['agreement_id'], unique=False)

    with op.batch_alter_table('agreement_archives', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organization_id', sa.Integer(), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_agreement_archives_agreement_id'), type_='unique')
        batch_op.create_index('uq_agreement_archives_common', ['agreement_id'], unique=True, sqlite_where=sa.text('organization_id IS NULL'), postgresql_where=sa.text('organization_id IS NULL'))
        batch_op.create_unique_constraint('uq_agreement_archives_original', ['agreement_id', 'organization_id'])
        batch_op.create_foreign_key(batch_op.f('fk_agreement_archives_organization_id_organizations'), 'organizations', ['organization_id'], ['id'], ondelete='RESTRICT')



def downgrade():
    # The parties' originals cannot stay once an agreement has one archive again.
    op.execute(sa.text("DELETE FROM agreement_archives WHERE organization_id IS NOT NULL"))
    with op.batch_alter_table('agreement_archives', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_agreement_archives_organization_id_organizations'), type_='foreignkey')
        batch_op.drop_constraint('uq_agreement_archives_original', type_='unique')
        batch_op.drop_index('uq_agreement_archives_common', sqlite_where=sa.text('organization_id IS NULL'), postgresql_where=sa.text('organization_id IS NULL'))
        batch_op.create_unique_constraint(batch_op.f('uq_agreement_archives_agreement_id'), ['agreement_id'])
        batch_op.drop_column('organization_id')

    with op.batch_alter_table('agreement_signing_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_signing_people_agreement_id'))

    op.drop_table('agreement_signing_people')
