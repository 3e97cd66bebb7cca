"""channel records: a plugin's durable notes

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

A channel keeps small notes about its own work here, through the plugin API
(``outreach.channels.Records``), so they survive a crash and every worker of
the store sees them: the press channel records each e-mail's Message-ID and
state before sending it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('channelrecord',
    sa.Column('channel', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('channel', 'key')
    )


def downgrade() -> None:
    op.drop_table('channelrecord')
