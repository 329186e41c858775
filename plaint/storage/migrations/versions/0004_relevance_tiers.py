"""posts.tier and posts.relevance_score: the screening model's verdict on a kept post

Posts stored before the screening model have neither (NULL): they were kept by the lexicons alone,
and `plaint rescore` gives them a tier.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.add_column(sa.Column("tier", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("relevance_score", sa.Double(), nullable=True))
        batch.create_index("ix_posts_tier", ["tier"])


def downgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.drop_index("ix_posts_tier")
        batch.drop_column("relevance_score")
        batch.drop_column("tier")
