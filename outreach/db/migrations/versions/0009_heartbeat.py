"""heartbeat of running services

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

Each ``outreach run`` process writes a beat to the store every minute or so
and its stop when it stops, so ``outreach status`` can tell whether the
service is running.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('heartbeat',
    sa.Column('worker', sa.String(length=200), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('beat_at', sa.DateTime(), nullable=False),
    sa.Column('stopped_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('worker')
    )
    with op.batch_alter_table('heartbeat', schema=None) as batch_op:
        batch_op.create_index('ix_heartbeat_beat_at', ['beat_at'], unique=False)


def downgrade() -> None:
    op.drop_table('heartbeat')
