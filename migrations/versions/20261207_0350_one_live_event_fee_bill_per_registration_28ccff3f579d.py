"""one live event fee bill per registration: confirming twice, or the API, never bills a delegate twice

Revision ID: 28ccff3f579d
Revises: 53eeb465602e
Create Date: 2026-12-07 03:54:28.422498

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '28ccff3f579d'
down_revision = '53eeb465602e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.create_index('uq_bills_event_fee_per_registration', ['registration_id'], unique=True, sqlite_where=sa.text("kind = 'event_fee' AND status != 'cancelled'"), postgresql_where=sa.text("kind = 'event_fee' AND status != 'cancelled'"))


def downgrade():
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.drop_index('uq_bills_event_fee_per_registration', sqlite_where=sa.text("kind = 'event_fee' AND status != 'cancelled'"), postgresql_where=sa.text("kind = 'event_fee' AND status != 'cancelled'"))

