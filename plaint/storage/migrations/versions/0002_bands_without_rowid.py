"""post_bands as a WITHOUT ROWID table on SQLite

The band-key table is nothing but its primary key. As an ordinary SQLite table it was stored
twice (the rows, and the index the key needs), and an import wrote and searched both.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_COLUMNS = '"key" BIGINT NOT NULL, band INTEGER NOT NULL, post_id INTEGER NOT NULL, ' \
           'PRIMARY KEY ("key", band, post_id), FOREIGN KEY(post_id) REFERENCES posts (id)'


def _rebuild(options: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # other databases keep a table and its key apart anyway
    op.execute(f"CREATE TABLE post_bands_rebuilt ({_COLUMNS}){options}")
    op.execute('INSERT INTO post_bands_rebuilt ("key", band, post_id) SELECT "key", band, post_id FROM post_bands')
    op.execute("DROP TABLE post_bands")
    op.execute("ALTER TABLE post_bands_rebuilt RENAME TO post_bands")


def upgrade() -> None:
    _rebuild(" WITHOUT ROWID")


def downgrade() -> None:
    _rebuild("")
