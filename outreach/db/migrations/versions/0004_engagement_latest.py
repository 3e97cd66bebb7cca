"""latest engagement per publication

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

Stats read each publication's latest figures; finding them among all
snapshots costs one index probe per publication, so they are kept in a
table of their own, filled here from the snapshots already stored.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('engagementlatest',
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=False),
    sa.Column('views', sa.Integer(), nullable=True),
    sa.Column('likes', sa.Integer(), nullable=True),
    sa.Column('shares', sa.Integer(), nullable=True),
    sa.Column('comments', sa.Integer(), nullable=True),
    sa.Column('reactions', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['publication_id'], ['publication.id'], ),
    sa.PrimaryKeyConstraint('publication_id')
    )
    op.execute("""
        INSERT INTO engagementlatest
            (publication_id, taken_at, views, likes, shares, comments, reactions)
        SELECT s.publication_id, s.taken_at, s.views, s.likes, s.shares, s.comments, s.reactions
        FROM engagementsnapshot s
        WHERE s.id = (SELECT s2.id FROM engagementsnapshot s2
                      WHERE s2.publication_id = s.publication_id
                      ORDER BY s2.taken_at DESC, s2.id DESC LIMIT 1)
    """)


def downgrade() -> None:
    op.drop_table('engagementlatest')
