"""name keys fold traditional characters into simplified ones

Revision ID: 3f1c0d7e9a21
Revises: 56e9a1eee329
Create Date: 2026-12-04 20:40:00

The look-alike key of organization names now also folds traditional Chinese
characters into simplified ones (動/动): stored keys are computed again. Two
organizations that only differ so would now share a key; the second keeps its
old key (the UNIQUE constraint holds) and is named, for the secretariat to merge.
"""
from alembic import op
import sqlalchemy as sa

from alliance_app.core.text import comparison_key

# revision identifiers, used by Alembic.
revision = '3f1c0d7e9a21'
down_revision = '56e9a1eee329'
branch_labels = None
depends_on = None

organizations = sa.table("organizations", sa.column("id", sa.Integer), sa.column("name", sa.String),
                         sa.column("name_key", sa.String))


def upgrade():
    bind = op.get_bind()
    rows = bind.execute(sa.select(organizations.c.id, organizations.c.name, organizations.c.name_key)
                        .order_by(organizations.c.id)).all()
    taken = {row.name_key for row in rows}
    for row in rows:
        key = comparison_key(row.name)[:200]
        if key == row.name_key:
            continue
        if key in taken:
            print(f"Organization {row.id} ({row.name}) looks like another one now; its name key is left as it was.")
            continue
        taken.discard(row.name_key)
        taken.add(key)
        bind.execute(organizations.update().where(organizations.c.id == row.id).values(name_key=key))


def downgrade():
    pass  # the folded keys still find every duplicate the old ones found
