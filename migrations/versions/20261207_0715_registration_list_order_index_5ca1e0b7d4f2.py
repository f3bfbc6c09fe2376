"""list indexes: registrations in the lists' order (event_id, created_at, id), in place of the one on
event_id; organizations by updated_at (the public directory's change stamp)

Revision ID: 5ca1e0b7d4f2
Revises: 3875e78b4ca6
Create Date: 2026-12-07 07:15:00

At 2,000 delegates an event's registration list (the secretariat's page, the
API's list, the export) sorted the event's rows for every page ("USE TEMP
B-TREE FOR ORDER BY"); with this index they are read in order and a page stops
after its rows. Its first column serves every lookup by event_id, so the index
on event_id alone goes (one index less to write per registration).

The public directory's change stamp, max(updated_at) and count over every
organization, read the whole table on each request (and each 304); it now
reads this narrow index only.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5ca1e0b7d4f2'
down_revision = '3875e78b4ca6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index('ix_registrations_event_created', ['event_id', 'created_at', 'id'], unique=False)
        batch_op.drop_index('ix_registrations_event_id')
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.create_index('ix_organizations_updated_at', ['updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_index('ix_organizations_updated_at')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index('ix_registrations_event_id', ['event_id'], unique=False)
        batch_op.drop_index('ix_registrations_event_created')
