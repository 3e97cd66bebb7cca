"""figures entered by hand, and a story's participants and people helped

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

``outreach report`` counts what the store sees; what it cannot see (seminars
held, agreements signed) a coordinator enters with ``outreach results add``.
A story's front matter may say how many took part and how many were helped.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=30), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('indicator', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('result', schema=None) as batch_op:
        batch_op.create_index('ix_result_starts_on', ['starts_on'], unique=False)
        batch_op.create_index('ix_result_indicator', ['indicator'], unique=False)
    with op.batch_alter_table('story', schema=None) as batch_op:
        batch_op.add_column(sa.Column('participants', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('beneficiaries', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('story', schema=None) as batch_op:
        batch_op.drop_column('beneficiaries')
        batch_op.drop_column('participants')
    op.drop_table('result')
