"""agreement verification codes and archive signatures

Revision ID: 38ae88b8793e
Revises: 94faf3a8e505
Create Date: 2026-12-07 03:55:01.690872

"""
import base64
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '38ae88b8793e'
down_revision = '94faf3a8e505'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agreement_archives', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signature', sa.String(length=20), server_default='none', nullable=False))
        batch_op.add_column(sa.Column('signature_problem', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('unsigned_sha256', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_agreement_archives_unsigned_sha256'), ['unsigned_sha256'], unique=False)

    # Added empty, given each existing agreement its own random code, then required and unique.
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verification_code', sa.String(length=32), nullable=True))
    connection = op.get_bind()
    agreements = sa.table('agreements', sa.column('id', sa.Integer), sa.column('verification_code', sa.String))
    for (agreement_id,) in connection.execute(sa.select(agreements.c.id)).all():
        code = base64.b32encode(secrets.token_bytes(10)).decode()
        connection.execute(agreements.update().where(agreements.c.id == agreement_id)
                           .values(verification_code=code))
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.alter_column('verification_code', existing_type=sa.String(length=32), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_agreements_verification_code'), ['verification_code'])


def downgrade():
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_agreements_verification_code'), type_='unique')
        batch_op.drop_column('verification_code')

    with op.batch_alter_table('agreement_archives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_archives_unsigned_sha256'))
        batch_op.drop_column('unsigned_sha256')
        batch_op.drop_column('signature_problem')
        batch_op.drop_column('signature')

