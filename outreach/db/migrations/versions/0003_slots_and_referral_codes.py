"""campaign slot log; referral code kind and short code

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

Each campaign slot's outcome (planned, empty, skipped) is kept so a person can
see why nothing went out. Referral codes gain a kind (publication, placement,
outlet) and a short code that can be said on the phone ("MIA-7").
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('campaignslot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.DateTime(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('publications', sa.Integer(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('campaign_id', 'slot', name='uq_campaignslot_campaign_slot')
    )
    with op.batch_alter_table('referralcode', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=False,
                                      server_default='publication'))
        batch_op.add_column(sa.Column('short_code', sa.String(length=16), nullable=True))
        batch_op.create_unique_constraint('uq_referralcode_short_code', ['short_code'])


def downgrade() -> None:
    with op.batch_alter_table('referralcode', schema=None) as batch_op:
        batch_op.drop_constraint('uq_referralcode_short_code', type_='unique')
        batch_op.drop_column('short_code')
        batch_op.drop_column('kind')
    op.drop_table('campaignslot')
