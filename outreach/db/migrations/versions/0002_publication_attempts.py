"""publication attempt log

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

Every try at publishing is kept with its outcome and error, so
``outreach publications show ID`` can tell a person what happened each time.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('publicationattempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('worker', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['publication_id'], ['publication.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('publicationattempt', schema=None) as batch_op:
        batch_op.create_index('ix_publicationattempt_publication_number',
                              ['publication_id', 'number'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('publicationattempt', schema=None) as batch_op:
        batch_op.drop_index('ix_publicationattempt_publication_number')

    op.drop_table('publicationattempt')
