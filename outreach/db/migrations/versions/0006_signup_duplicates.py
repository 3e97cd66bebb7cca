"""sign-ups: a phone is no longer unique; duplicates are merged by a coordinator

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

A typed phone number proves nothing, so two sign-ups may share one: the
unique key on ``signup.phone`` becomes a plain index (the duplicates list
looks rows up by phone). New columns: whether the platform vouched for the
phone, which row a merged sign-up went into, and when a coordinator said
that rows sharing a phone are different people. A dialog erased so far was
written as JSON ``null``; it becomes SQL NULL, as the model now writes it, so
that unfinished dialogs can be found (and erased after a while).

Downgrading fails while two sign-ups share a phone: merge them first.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('signup', schema=None) as batch_op:
        batch_op.drop_constraint('uq_signup_phone', type_='unique')
        batch_op.create_index('ix_signup_phone', ['phone'], unique=False)
        batch_op.add_column(sa.Column('phone_confirmed', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('merged_into', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('kept_apart_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key('fk_signup_merged_into', 'signup', ['merged_into'],
                                    ['id'])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("UPDATE signup SET dialog = NULL WHERE dialog::text = 'null'")
    else:
        op.execute("UPDATE signup SET dialog = NULL WHERE dialog = 'null'")


def downgrade() -> None:
    with op.batch_alter_table('signup', schema=None) as batch_op:
        batch_op.drop_constraint('fk_signup_merged_into', type_='foreignkey')
        batch_op.drop_column('kept_apart_at')
        batch_op.drop_column('merged_into')
        batch_op.drop_column('phone_confirmed')
        batch_op.drop_index('ix_signup_phone')
        batch_op.create_unique_constraint('uq_signup_phone', ['phone'])
