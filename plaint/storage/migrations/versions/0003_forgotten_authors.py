"""forgotten_authors: the keyed pseudonyms of authors who asked to be forgotten

A later post by such an author is stored without them. Authors forgotten before this table
existed are found in the contact history (the note `plaint forget` wrote) and kept here too,
without a key check.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import plaint.storage.models

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

FORGET_NOTE = "removed at the author's request (plaint forget)"


def upgrade() -> None:
    op.create_table('forgotten_authors',
    sa.Column('author_key', sa.String(length=64), nullable=False),
    sa.Column('key_check', sa.String(length=64), nullable=True),
    sa.Column('forgotten_at', plaint.storage.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('author_key')
    )
    op.execute(sa.text("INSERT INTO forgotten_authors (author_key, key_check, forgotten_at) "
                       "SELECT author_key, NULL, MIN(at) FROM contact_events "
                       "WHERE status = 'do-not-contact' AND note = :note GROUP BY author_key")
               .bindparams(note=FORGET_NOTE))


def downgrade() -> None:
    op.drop_table('forgotten_authors')
