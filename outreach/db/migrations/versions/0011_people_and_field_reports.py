"""people, invitations, audit log and photo reports from the field

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

Coordinators and reporters enrolled by one-time invitation links (only the
token's hash is stored), their platform accounts with the dialog of a report
being told, an audit log of every act, the reports that came through a bot,
and the notices about their publications sent once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=True),
    sa.Column('municipality', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index('ix_person_role', ['role'], unique=False)
    op.create_table('personaccount',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=200), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(), nullable=False),
    sa.Column('dialog', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('personaccount', schema=None) as batch_op:
        batch_op.create_index('ix_personaccount_person_id', ['person_id'], unique=False)
        batch_op.create_index('ix_personaccount_updated_at', ['updated_at'], unique=False)
    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('used_by', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index('ix_invitation_person_id', ['person_id'], unique=False)
    op.create_table('auditentry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('story_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(none_as_null=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['story_id'], ['story.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.create_index('ix_auditentry_at', ['at'], unique=False)
        batch_op.create_index('ix_auditentry_action', ['action'], unique=False)
        batch_op.create_index('ix_auditentry_person_id', ['person_id'], unique=False)
        batch_op.create_index('ix_auditentry_story_id', ['story_id'], unique=False)
    op.create_table('fieldreport',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=100), nullable=False),
    sa.Column('channel', sa.String(length=200), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('card_chat', sa.String(length=200), nullable=True),
    sa.Column('card_message', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['decided_by'], ['person.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['story_id'], ['story.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('story_id')
    )
    with op.batch_alter_table('fieldreport', schema=None) as batch_op:
        batch_op.create_index('ix_fieldreport_person_id', ['person_id'], unique=False)
        batch_op.create_index('ix_fieldreport_submitted_at', ['submitted_at'], unique=False)
    op.create_table('reportnotice',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('reportnotice')
    op.drop_table('fieldreport')
    op.drop_table('auditentry')
    op.drop_table('invitation')
    op.drop_table('personaccount')
    op.drop_table('person')
