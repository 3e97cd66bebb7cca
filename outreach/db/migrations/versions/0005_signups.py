"""sign-ups from bots and offline; audience joins

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

Sign-ups gain what the sign-up bots and offline forms record: a normalised
phone and the person's platform id (each unique, so a second sign-up of the
same person updates the first), interests, the policy version consented to,
the dialog in progress, and the erasure time. Joins of a community or channel
are kept apart from sign-ups, as weaker evidence.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('signup', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('person', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('channel', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('interests', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('code_given', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('policy_version', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('completed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('forgotten_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('dialog', sa.JSON(), nullable=True))
        batch_op.create_unique_constraint('uq_signup_phone', ['phone'])
        batch_op.create_unique_constraint('uq_signup_person', ['person'])
    op.create_table('audiencejoin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=200), nullable=False),
    sa.Column('person', sa.String(length=100), nullable=True),
    sa.Column('joined_at', sa.DateTime(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['publication_id'], ['publication.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audiencejoin', schema=None) as batch_op:
        batch_op.create_index('ix_audiencejoin_channel_time', ['channel', 'joined_at'],
                              unique=False)
        batch_op.create_index('ix_audiencejoin_publication_id', ['publication_id'],
                              unique=False)


def downgrade() -> None:
    op.drop_table('audiencejoin')
    with op.batch_alter_table('signup', schema=None) as batch_op:
        batch_op.drop_constraint('uq_signup_person', type_='unique')
        batch_op.drop_constraint('uq_signup_phone', type_='unique')
        for column in ('dialog', 'forgotten_at', 'completed_at', 'policy_version',
                       'code_given', 'interests', 'channel', 'person', 'phone', 'updated_at'):
            batch_op.drop_column(column)
