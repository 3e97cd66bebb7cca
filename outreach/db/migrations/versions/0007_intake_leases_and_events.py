"""leader leases for the bots' update readers; incoming events handled once

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-01

Several workers share one store: one of them at a time reads a bot's updates
(a lease row per bot, renewed by its holder, with the reader's position), and
every message a bot receives is recorded with the dialog step it caused, so a
repeated delivery is not handled twice.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('leaderlease',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('position', sa.String(length=200), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('intakeevent',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('replies', sa.JSON(), nullable=True),
    sa.Column('person', sa.String(length=100), nullable=True),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('intakeevent', schema=None) as batch_op:
        batch_op.create_index('ix_intakeevent_received_at', ['received_at'], unique=False)
        batch_op.create_index('ix_intakeevent_person', ['person'], unique=False)


def downgrade() -> None:
    op.drop_table('intakeevent')
    op.drop_table('leaderlease')
