"""The states and kinds the store records, importable without loading SQLAlchemy."""

from __future__ import annotations

import enum


class StoryKind(enum.StrEnum):
    photo_report = "photo-report"
    story = "story"


class StoryStatus(enum.StrEnum):
    draft = "draft"
    approved = "approved"
    archived = "archived"


class PublicationStatus(enum.StrEnum):
    planned = "planned"
    sending = "sending"
    published = "published"
    failed = "failed"
    uncertain = "uncertain"
    cancelled = "cancelled"


class AttemptOutcome(enum.StrEnum):
    published = "published"
    transient = "transient"
    rate_limited = "rate-limited"
    auth = "auth"
    permanent = "permanent"
    uncertain = "uncertain"
    lease_expired = "lease-expired"


class SlotOutcome(enum.StrEnum):
    planned = "planned"  # publications written to the outbox
    empty = "empty"  # no approved story left for it
    skipped = "skipped"  # missed while the service was down, beyond the grace window


class SignupStatus(enum.StrEnum):
    started = "started"  # a bot dialog begun with or without a code, not finished
    completed = "completed"  # finished by the person, or added by a coordinator
    forgotten = "forgotten"  # erased on request; the row stays, so its attribution counts
    merged = "merged"  # merged into another sign-up (merged_into): the person counts once
