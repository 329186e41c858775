"""do_not_contact.key_check: the pseudonym key's check when an author was listed

The list holds keyed pseudonyms; read with another key it would recognise no one, and
do-not-contact authors would be listed again. With the check stored, such a read is refused.
Rows listed before this revision have none (NULL) and are not checked.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("do_not_contact") as batch:
        batch.add_column(sa.Column("key_check", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("do_not_contact") as batch:
        batch.drop_column("key_check")
