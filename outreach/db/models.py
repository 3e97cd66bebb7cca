"""The store's tables (SQLModel). Times are kept in UTC; see ``UTCDateTime``.

Every schema change ships an Alembic revision in ``outreach/db/migrations/versions``
so a user's database upgrades in place.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel

# Re-exported: the store's vocabulary.
from outreach.db.states import METRICS as METRICS
from outreach.db.states import AttemptOutcome as AttemptOutcome
from outreach.db.states import PublicationStatus as PublicationStatus
from outreach.db.states import SignupStatus as SignupStatus
from outreach.db.states import SlotOutcome as SlotOutcome
from outreach.db.states import StoryKind as StoryKind
from outreach.db.states import StoryStatus as StoryStatus
from outreach.db.tables import UTCDateTime as UTCDateTime

if TYPE_CHECKING:
    class _Table(SQLModel):
        # SQLAlchemy gives each table class its Table; SQLModel does not declare it.
        __table__: ClassVar[sa.Table]
else:
    _Table = SQLModel


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _when(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class Story(_Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20, index=True)
    title: str = Field(max_length=500)
    body: str = Field(sa_column=Column(sa.Text, nullable=False))
    summary: str | None = Field(default=None, sa_column=Column(sa.Text))
    event_date: dt.date | None = Field(default=None, index=True)
    municipality: str | None = Field(default=None, max_length=200, index=True)
    # From the front matter, for the report: how many took part, how many were helped.
    participants: int | None = None
    beneficiaries: int | None = None
    tags: list[str] = Field(default_factory=list, sa_column=Column(sa.JSON, nullable=False))
    status: str = Field(default=StoryStatus.draft.value, max_length=20, index=True)
    consent_by: str | None = Field(default=None, max_length=200)
    consent_at: dt.datetime | None = _when()
    source_folder: str = Field(max_length=1000, sa_column_kwargs={"unique": True})
    content_hash: str = Field(max_length=64)
    created_at: dt.datetime | None = _when(nullable=False)
    updated_at: dt.datetime | None = _when(nullable=False)
    approved_at: dt.datetime | None = _when()

    @property
    def consent_recorded(self) -> bool:
        return bool(self.consent_by) and self.consent_at is not None


class Photo(_Table, table=True):
    __table_args__ = (sa.UniqueConstraint("story_id", "sha256", name="uq_photo_story_sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    story_id: int = Field(foreign_key="story.id", index=True)
    file: str = Field(max_length=1000)
    sha256: str = Field(max_length=64, index=True)
    width: int
    height: int
    caption: str | None = Field(default=None, sa_column=Column(sa.Text))
    alt: str | None = Field(default=None, sa_column=Column(sa.Text))
    credit: str | None = Field(default=None, max_length=200)
    position: int = 0


class Campaign(_Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=200, sa_column_kwargs={"unique": True})
    name: str = Field(max_length=500)
    definition_hash: str = Field(max_length=64)
    last_planned_slot: dt.datetime | None = _when()
    active: bool = True
    updated_at: dt.datetime | None = _when(nullable=False)


class CampaignSlot(_Table, table=True):
    """What became of each slot of a campaign: planned, empty (no story left) or skipped."""

    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "slot", name="uq_campaignslot_campaign_slot"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    slot: dt.datetime | None = _when(nullable=False)
    outcome: str = Field(max_length=20)  # SlotOutcome
    publications: int = 0
    detail: str | None = Field(default=None, sa_column=Column(sa.Text))
    recorded_at: dt.datetime | None = _when(nullable=False)


class Publication(_Table, table=True):
    """The outbox: one row per story × channel × slot."""

    __table_args__ = (
        sa.UniqueConstraint(
            "story_id", "channel", "slot", name="uq_publication_story_channel_slot"
        ),
        sa.Index("ix_publication_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id", index=True)
    story_id: int = Field(foreign_key="story.id", index=True)
    channel: str = Field(max_length=200, index=True)
    slot: dt.datetime | None = _when(nullable=False)
    status: str = Field(default=PublicationStatus.planned.value, max_length=20)
    attempts: int = 0
    next_attempt_at: dt.datetime | None = _when()
    lease_owner: str | None = Field(default=None, max_length=200)
    lease_until: dt.datetime | None = _when()
    # The lease holder's process, so a dead one's lease is settled before it runs out:
    # host name, PID, and boot id, PID namespace and start time (engine/liveness.py).
    lease_host: str | None = Field(default=None, max_length=255)
    lease_pid: int | None = None
    lease_process: str | None = Field(default=None, max_length=120)
    external_id: str | None = Field(default=None, max_length=200)
    url: str | None = Field(default=None, max_length=1000)
    last_error: str | None = Field(default=None, sa_column=Column(sa.Text))
    referral_code: str | None = Field(default=None, max_length=64, index=True)
    created_at: dt.datetime | None = _when(nullable=False)
    published_at: dt.datetime | None = _when(index=True)


class EngagementFigures(_Table):
    """What a post had earned; NULL where the platform does not tell (shown as "—")."""

    views: int | None = None
    likes: int | None = None
    shares: int | None = None
    comments: int | None = None
    reactions: int | None = None


class EngagementSnapshot(EngagementFigures, table=True):
    """A publication's figures at one moment."""

    __table_args__ = (sa.Index("ix_engagement_publication_time", "publication_id", "taken_at"),)

    id: int | None = Field(default=None, primary_key=True)
    publication_id: int = Field(foreign_key="publication.id")
    taken_at: dt.datetime | None = _when(nullable=False)


class EngagementLatest(EngagementFigures, table=True):
    """Each publication's latest snapshot, kept with every snapshot so stats read one row."""

    publication_id: int = Field(foreign_key="publication.id", primary_key=True)
    taken_at: dt.datetime | None = _when(nullable=False)


class AudienceSnapshot(_Table, table=True):
    __table_args__ = (sa.Index("ix_audience_channel_time", "channel", "taken_at"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=200)
    taken_at: dt.datetime | None = _when(nullable=False)
    members: int | None = None


class ReferralCode(_Table, table=True):
    """A code that attributes a sign-up: to a publication, or to a placement offline."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id", index=True)
    channel: str | None = Field(default=None, max_length=200)
    publication_id: int | None = Field(default=None, foreign_key="publication.id", index=True)
    placement: str | None = Field(default=None, max_length=500)
    kind: str = Field(default="publication", max_length=20)  # publication | placement | outlet
    short_code: str | None = Field(  # said on the phone or typed from a poster: "MIA-7"
        default=None, max_length=16, sa_column_kwargs={"unique": True}
    )
    created_at: dt.datetime | None = _when(nullable=False)


class SignUp(_Table, table=True):
    """A person who wants to volunteer, and the code (so the post or poster) that brought them.

    A dialog with a sign-up bot creates the row when the person starts (status
    ``started``: a deep-link start in the funnel) and completes it; offline
    sign-ups are ``completed`` at once. ``forget`` erases the personal data and
    keeps the row, so the attribution still counts (status ``forgotten``).

    A phone number identifies no one by itself (anyone can type one), so it is
    not unique: rows sharing a phone are possible duplicates for a coordinator,
    who merges them (the row merged away stays, anonymous, as status ``merged``
    with ``merged_into`` set, so its start still counts) or keeps them apart.
    """

    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime | None = _when(nullable=False, index=True)
    updated_at: dt.datetime | None = _when()
    name: str | None = Field(default=None, max_length=300)
    contact: str | None = Field(default=None, max_length=300)  # as given, when not a phone
    phone: str | None = Field(default=None, max_length=20, index=True)
    phone_confirmed: bool | None = None  # the platform vouched: the person's own account's
    person: str | None = Field(  # "<plugin>:<platform id>", one row per person per platform
        default=None, max_length=100, sa_column_kwargs={"unique": True})
    channel: str | None = Field(default=None, max_length=200)  # where the dialog took place
    municipality: str | None = Field(default=None, max_length=200)
    interests: str | None = Field(default=None, sa_column=Column(sa.Text))
    source: str = Field(max_length=50)  # telegram, vk, offline, csv
    referral_code_id: int | None = Field(default=None, foreign_key="referralcode.id", index=True)
    code_given: str | None = Field(default=None, max_length=64)  # as received, if unknown
    consent_at: dt.datetime | None = _when()
    policy_version: str | None = Field(default=None, max_length=50)
    completed_at: dt.datetime | None = _when()
    forgotten_at: dt.datetime | None = _when()
    # None is SQL NULL, not JSON null, so "a dialog in progress" is ``dialog IS NOT NULL``.
    dialog: dict[str, Any] | None = Field(default=None,
                                          sa_column=Column(sa.JSON(none_as_null=True)))
    status: str = Field(default=SignupStatus.completed, max_length=20)  # SignupStatus
    merged_into: int | None = Field(default=None, foreign_key="signup.id")
    kept_apart_at: dt.datetime | None = _when()  # a coordinator: not the same phone's owner


class AudienceJoin(_Table, table=True):
    """Someone joined a community or channel: weaker evidence than a sign-up.

    Attributed to the publication published on that channel most recently
    before the join, within the sign-up settings' join window.
    """

    __table_args__ = (sa.Index("ix_audiencejoin_channel_time", "channel", "joined_at"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=200)
    person: str | None = Field(default=None, max_length=100)
    joined_at: dt.datetime | None = _when(nullable=False)
    publication_id: int | None = Field(default=None, foreign_key="publication.id", index=True)


class PublicationAttempt(_Table, table=True):
    """One try at publishing a publication, kept so a person can see every error."""

    __table_args__ = (
        # One row per try: a second row with the same number means a double send.
        sa.Index("ix_publicationattempt_publication_number", "publication_id", "number",
                 unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    publication_id: int = Field(foreign_key="publication.id")
    number: int
    started_at: dt.datetime | None = _when(nullable=False)
    finished_at: dt.datetime | None = _when()
    outcome: str = Field(max_length=20)
    error: str | None = Field(default=None, sa_column=Column(sa.Text))
    worker: str | None = Field(default=None, max_length=200)


class LeaderLease(_Table, table=True):
    """Which worker does one job alone (reads one bot's updates), until when, and how far it got.

    See ``outreach.engine.leases``: the holder renews ``expires_at``; only the
    holder may move ``position`` (VK's long-poll ``ts``), so a worker that lost
    the lease cannot set the next one back.
    """

    name: str = Field(primary_key=True, max_length=200)  # e.g. "vk:club229000001"
    holder: str | None = Field(default=None, max_length=200)  # "<host>:<pid>:<random>"
    expires_at: dt.datetime | None = _when()
    position: str | None = Field(default=None, max_length=200)
    updated_at: dt.datetime | None = _when()


class IntakeEvent(_Table, table=True):
    """A message a sign-up bot received, recorded with the dialog step it caused.

    A second delivery of the same event (two readers, or a replay after a worker
    died) finds the row and is not a second step. ``replies`` holds the step's
    replies until the bot reports them delivered, so the next reader can send
    them again; then it is emptied. Rows are deleted after a few days
    (``outreach.signups.events``).
    """

    key: str = Field(primary_key=True, max_length=200)  # "<plugin>:<platform's event id>"
    received_at: dt.datetime | None = _when(nullable=False, index=True)
    replies: list[Any] | None = Field(default=None, sa_column=Column(sa.JSON))
    # Whose dialog: replies still owed can carry their name, erased with them.
    person: str | None = Field(default=None, max_length=100, index=True)


class Heartbeat(_Table, table=True):
    """A running ``outreach run`` process, as ``outreach status`` sees it.

    The service writes ``beat_at`` every minute or so (``outreach.engine.heartbeat``)
    and ``stopped_at`` when it stops cleanly; a beat long past with no stop means
    the process died.
    """

    worker: str = Field(primary_key=True, max_length=200)  # "<host>:<pid>"
    started_at: dt.datetime | None = _when(nullable=False)
    beat_at: dt.datetime | None = _when(nullable=False, index=True)
    stopped_at: dt.datetime | None = _when()


class Result(_Table, table=True):
    """A figure entered by hand for a period (``outreach results add``): what the store
    cannot see, such as seminars held or agreements signed with municipalities.

    ``period`` is as the coordinator wrote it ("2026-Q4"); ``starts_on`` and
    ``ends_on`` (inclusive) are its days, so a report finds the figures inside its own.
    """

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(max_length=30)
    starts_on: dt.date = Field(index=True)
    ends_on: dt.date
    indicator: str = Field(max_length=100, index=True)
    value: int
    note: str | None = Field(default=None, sa_column=Column(sa.Text))
    created_at: dt.datetime | None = _when(nullable=False)
    updated_at: dt.datetime | None = _when()


class ChannelRecord(_Table, table=True):
    """A channel's own note about its work, kept across crashes and shared by every worker.

    Written through the plugin API (``outreach.channels.Records``): e.g. the
    press channel records each e-mail's Message-ID and state before it hands
    the letter to the mail server, so a worker on another machine that settles
    a crashed publication knows what was sent. ``value`` is the plugin's JSON.
    """

    channel: str = Field(primary_key=True, max_length=200)
    key: str = Field(primary_key=True, max_length=200)
    value: dict[str, Any] = Field(default_factory=dict, sa_column=Column(sa.JSON, nullable=False))
    updated_at: dt.datetime | None = _when(nullable=False)


class Person(_Table, table=True):
    """A coordinator or reporter: enrolled by a one-time invitation, known by platform accounts.

    See ``outreach.people``. The row is made when the invitation is made (status
    "invited" until an account opens the link); ``revoked_at`` ends every right.
    """

    id: int | None = Field(default=None, primary_key=True)
    role: str = Field(max_length=20, index=True)  # PersonRole
    name: str | None = Field(default=None, max_length=300)
    municipality: str | None = Field(default=None, max_length=200)
    created_at: dt.datetime | None = _when(nullable=False)
    revoked_at: dt.datetime | None = _when()


class PersonAccount(_Table, table=True):
    """One platform account of a person ("telegram:123"), and their dialog with its bot.

    ``dialog`` holds a report being told (the step, what was said, the photos
    received so far), so a restart mid-dialog loses nothing.
    """

    key: str = Field(primary_key=True, max_length=100)  # "<plugin>:<platform user id>"
    person_id: int = Field(foreign_key="person.id", index=True)
    channel: str = Field(max_length=200)  # the channel whose bot the person talks to
    enrolled_at: dt.datetime | None = _when(nullable=False)
    dialog: dict[str, Any] | None = Field(default=None,
                                          sa_column=Column(sa.JSON(none_as_null=True)))
    updated_at: dt.datetime | None = _when(index=True)


class Invitation(_Table, table=True):
    """A one-time link that enrols its opener as ``person_id``; only the token's hash is kept."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    person_id: int = Field(foreign_key="person.id", index=True)
    created_at: dt.datetime | None = _when(nullable=False)
    expires_at: dt.datetime | None = _when(nullable=False)
    used_at: dt.datetime | None = _when()
    used_by: str | None = Field(default=None, max_length=100)  # the account that opened it


class AuditEntry(_Table, table=True):
    """One act on people or reports, and who did it (``outreach people log``)."""

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime | None = _when(nullable=False, index=True)
    actor: str = Field(max_length=200)  # "cli:<os user>", "person:<id>", "service"
    action: str = Field(max_length=50, index=True)  # AuditAction
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    story_id: int | None = Field(default=None, foreign_key="story.id", index=True)
    detail: dict[str, Any] | None = Field(default=None,
                                          sa_column=Column(sa.JSON(none_as_null=True)))


class FieldReport(_Table, table=True):
    """A story that came from a reporter through a bot, and what the coordinators decided.

    ``card_chat``/``card_message`` name the message the coordinators saw with its
    buttons; the first decision wins (``decided_by``), later presses are told so.
    """

    id: int | None = Field(default=None, primary_key=True)
    story_id: int = Field(foreign_key="story.id", sa_column_kwargs={"unique": True})
    person_id: int = Field(foreign_key="person.id", index=True)
    account: str = Field(max_length=100)  # who to tell: the PersonAccount key
    channel: str = Field(max_length=200)
    submitted_at: dt.datetime | None = _when(nullable=False, index=True)
    decision: str | None = Field(default=None, max_length=20)  # approved | rejected
    decided_by: int | None = Field(default=None, foreign_key="person.id")
    decided_at: dt.datetime | None = _when()
    reason: str | None = Field(default=None, sa_column=Column(sa.Text))
    card_chat: str | None = Field(default=None, max_length=200)
    card_message: str | None = Field(default=None, max_length=100)


class ReportNotice(_Table, table=True):
    """A message about a publication sent to a person once, whoever's worker sends it:
    the key is taken before sending ("published:12", "uncertain:12")."""

    key: str = Field(primary_key=True, max_length=100)
    sent_at: dt.datetime | None = _when(nullable=False)
