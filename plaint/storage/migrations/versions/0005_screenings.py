"""screenings and study_models: reviewers' decisions on posts, and the model fitted on them

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import plaint.storage.models

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('screenings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('reviewer', sa.String(length=64), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('types', sa.JSON(), nullable=False),
    sa.Column('strategies', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('decided_at', plaint.storage.models.UTCDateTime(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id']),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('post_id', 'reviewer')
    )
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.create_index('ix_screenings_reviewer', ['reviewer', 'decided_at'], unique=False)
    op.create_table('study_models',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fitted_at', plaint.storage.models.UTCDateTime(), nullable=False),
    sa.Column('arrays', sa.LargeBinary(), nullable=False),
    sa.Column('card', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('study_models')
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.drop_index('ix_screenings_reviewer')
    op.drop_table('screenings')
