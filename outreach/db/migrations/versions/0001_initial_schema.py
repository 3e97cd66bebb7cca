"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audiencesnapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=200), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=False),
    sa.Column('members', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audiencesnapshot', schema=None) as batch_op:
        batch_op.create_index('ix_audience_channel_time', ['channel', 'taken_at'], unique=False)

    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('definition_hash', sa.String(length=64), nullable=False),
    sa.Column('last_planned_slot', sa.DateTime(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    op.create_table('story',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('event_date', sa.Date(), nullable=True),
    sa.Column('municipality', sa.String(length=200), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('consent_by', sa.String(length=200), nullable=True),
    sa.Column('consent_at', sa.DateTime(), nullable=True),
    sa.Column('source_folder', sa.String(length=1000), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source_folder')
    )
    with op.batch_alter_table('story', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_story_event_date'), ['event_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_story_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_story_municipality'), ['municipality'], unique=False)
        batch_op.create_index(batch_op.f('ix_story_status'), ['status'], unique=False)

    op.create_table('photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('file', sa.String(length=1000), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('caption', sa.Text(), nullable=True),
    sa.Column('alt', sa.Text(), nullable=True),
    sa.Column('credit', sa.String(length=200), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['story_id'], ['story.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('story_id', 'sha256', name='uq_photo_story_sha256')
    )
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photo_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_photo_story_id'), ['story_id'], unique=False)

    op.create_table('publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=200), nullable=False),
    sa.Column('slot', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('lease_owner', sa.String(length=200), nullable=True),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.Column('external_id', sa.String(length=200), nullable=True),
    sa.Column('url', sa.String(length=1000), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('referral_code', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ),
    sa.ForeignKeyConstraint(['story_id'], ['story.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('story_id', 'channel', 'slot', name='uq_publication_story_channel_slot')
    )
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_campaign_id'),
                              ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publication_channel'), ['channel'], unique=False)
        batch_op.create_index('ix_publication_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_publication_published_at'),
                              ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_publication_referral_code'),
                              ['referral_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_publication_story_id'), ['story_id'], unique=False)

    op.create_table('engagementsnapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=False),
    sa.Column('views', sa.Integer(), nullable=True),
    sa.Column('likes', sa.Integer(), nullable=True),
    sa.Column('shares', sa.Integer(), nullable=True),
    sa.Column('comments', sa.Integer(), nullable=True),
    sa.Column('reactions', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['publication_id'], ['publication.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('engagementsnapshot', schema=None) as batch_op:
        batch_op.create_index('ix_engagement_publication_time',
                              ['publication_id', 'taken_at'], unique=False)

    op.create_table('referralcode',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=200), nullable=True),
    sa.Column('publication_id', sa.Integer(), nullable=True),
    sa.Column('placement', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ),
    sa.ForeignKeyConstraint(['publication_id'], ['publication.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('referralcode', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referralcode_campaign_id'),
                              ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referralcode_publication_id'),
                              ['publication_id'], unique=False)

    op.create_table('signup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=True),
    sa.Column('contact', sa.String(length=300), nullable=True),
    sa.Column('municipality', sa.String(length=200), nullable=True),
    sa.Column('source', sa.String(length=50), nullable=False),
    sa.Column('referral_code_id', sa.Integer(), nullable=True),
    sa.Column('consent_at', sa.DateTime(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['referral_code_id'], ['referralcode.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('signup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signup_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_signup_referral_code_id'),
                              ['referral_code_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('signup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signup_referral_code_id'))
        batch_op.drop_index(batch_op.f('ix_signup_created_at'))

    op.drop_table('signup')
    with op.batch_alter_table('referralcode', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referralcode_publication_id'))
        batch_op.drop_index(batch_op.f('ix_referralcode_campaign_id'))

    op.drop_table('referralcode')
    with op.batch_alter_table('engagementsnapshot', schema=None) as batch_op:
        batch_op.drop_index('ix_engagement_publication_time')

    op.drop_table('engagementsnapshot')
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_story_id'))
        batch_op.drop_index(batch_op.f('ix_publication_referral_code'))
        batch_op.drop_index(batch_op.f('ix_publication_published_at'))
        batch_op.drop_index('ix_publication_due')
        batch_op.drop_index(batch_op.f('ix_publication_channel'))
        batch_op.drop_index(batch_op.f('ix_publication_campaign_id'))

    op.drop_table('publication')
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photo_story_id'))
        batch_op.drop_index(batch_op.f('ix_photo_sha256'))

    op.drop_table('photo')
    with op.batch_alter_table('story', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_story_status'))
        batch_op.drop_index(batch_op.f('ix_story_municipality'))
        batch_op.drop_index(batch_op.f('ix_story_kind'))
        batch_op.drop_index(batch_op.f('ix_story_event_date'))

    op.drop_table('story')
    op.drop_table('campaign')
    with op.batch_alter_table('audiencesnapshot', schema=None) as batch_op:
        batch_op.drop_index('ix_audience_channel_time')

    op.drop_table('audiencesnapshot')
