"""lease holder's host, PID and process instance

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-01

A publication being sent records which process holds its lease (host name,
PID, and the process's boot id, PID namespace and start time), so a worker
restarted on the same machine settles a killed worker's publications at once
instead of waiting for the lease to run out.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_host', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('lease_pid', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('lease_process', sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.drop_column('lease_process')
        batch_op.drop_column('lease_pid')
        batch_op.drop_column('lease_host')
