"""The states and kinds the store records, importable without loading SQLAlchemy."""

from __future__ import annotations

import enum
from collections.abc import Callable

from outreach.i18n import pgettext

#: The engagement metrics, in the order listings show them: the columns of
#: ``EngagementFigures`` (``models``), NULL where a platform does not tell.
METRICS: tuple[str, ...] = ("views", "likes", "shares", "comments", "reactions")


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


def counted_sql(signup: str) -> str:
    """SQL: the sign-up ``signup`` (a table's name or alias) counts: finished, added
    offline, or finished and later forgotten (a dialog begun and left is a start in the
    funnel, not a sign-up; a sign-up merged into another is that other one: the person
    counts once). ``tables.counted`` says the same in SQLAlchemy Core."""
    return (f"({signup}.status <> '{SignupStatus.merged}' AND ({signup}.completed_at IS NOT "
            f"NULL OR {signup}.status NOT IN ('{SignupStatus.started}', "
            f"'{SignupStatus.forgotten}')))")


class PersonRole(enum.StrEnum):
    coordinator = "coordinator"  # approves reports, receives alerts
    reporter = "reporter"  # sends photo reports through the bots


class PersonStatus(enum.StrEnum):
    invited = "invited"  # the invitation is not used yet
    active = "active"  # enrolled through a bot
    expired = "expired"  # the invitation expired unused
    revoked = "revoked"  # rights taken away


class ChannelState(enum.StrEnum):
    """A configured channel's state in ``outreach channels list`` (the registry's, not stored)."""

    ready = "ready"
    disabled = "disabled"
    plugin_missing = "plugin-missing"
    load_failed = "load-failed"
    config_error = "config-error"
    init_failed = "init-failed"


# What a person reads for each state, in their language: the English is the
# identifier itself (what --status takes), the translation says it in words.
# Machine formats (--format json, CSV) keep the identifiers. Keyed by enum, then
# value: a StrEnum member equals its value, and "planned" of a publication
# ("ожидает") is not "planned" of a slot ("запланировано"), hence the contexts.
_LABELS: dict[type[enum.StrEnum], dict[str, Callable[[], str]]] = {
    StoryKind: {
        "photo-report": lambda: pgettext("story kind", "photo-report"),
        "story": lambda: pgettext("story kind", "story"),
    },
    StoryStatus: {
        "draft": lambda: pgettext("story status", "draft"),
        "approved": lambda: pgettext("story status", "approved"),
        "archived": lambda: pgettext("story status", "archived"),
    },
    PublicationStatus: {
        "planned": lambda: pgettext("publication status", "planned"),
        "sending": lambda: pgettext("publication status", "sending"),
        "published": lambda: pgettext("publication status", "published"),
        "failed": lambda: pgettext("publication status", "failed"),
        "uncertain": lambda: pgettext("publication status", "uncertain"),
        "cancelled": lambda: pgettext("publication status", "cancelled"),
    },
    AttemptOutcome: {
        "published": lambda: pgettext("attempt outcome", "published"),
        "transient": lambda: pgettext("attempt outcome", "transient"),
        "rate-limited": lambda: pgettext("attempt outcome", "rate-limited"),
        "auth": lambda: pgettext("attempt outcome", "auth"),
        "permanent": lambda: pgettext("attempt outcome", "permanent"),
        "uncertain": lambda: pgettext("attempt outcome", "uncertain"),
        "lease-expired": lambda: pgettext("attempt outcome", "lease-expired"),
    },
    SlotOutcome: {
        "planned": lambda: pgettext("slot outcome", "planned"),
        "empty": lambda: pgettext("slot outcome", "empty"),
        "skipped": lambda: pgettext("slot outcome", "skipped"),
    },
    ChannelState: {
        "ready": lambda: pgettext("channel state", "ready"),
        "disabled": lambda: pgettext("channel state", "disabled"),
        "plugin-missing": lambda: pgettext("channel state", "plugin-missing"),
        "load-failed": lambda: pgettext("channel state", "load-failed"),
        "config-error": lambda: pgettext("channel state", "config-error"),
        "init-failed": lambda: pgettext("channel state", "init-failed"),
    },
    PersonRole: {
        "coordinator": lambda: pgettext("person role", "coordinator"),
        "reporter": lambda: pgettext("person role", "reporter"),
    },
    PersonStatus: {
        "invited": lambda: pgettext("person status", "invited"),
        "active": lambda: pgettext("person status", "active"),
        "expired": lambda: pgettext("person status", "expired"),
        "revoked": lambda: pgettext("person status", "revoked"),
    },
    SignupStatus: {
        "started": lambda: pgettext("sign-up status", "started"),
        "completed": lambda: pgettext("sign-up status", "completed"),
        "forgotten": lambda: pgettext("sign-up status", "forgotten"),
        "merged": lambda: pgettext("sign-up status", "merged"),
    },
}


def label(state: enum.StrEnum | str | None, kind: type[enum.StrEnum] | None = None) -> str:
    """``state`` as a person reads it, in the current language ("опубликовано", "ожидает").

    ``state`` is a member of one of the enums above, or its stored value with
    ``kind`` naming its enum (a stored "planned" is a publication's or a slot's).
    A value the enum does not know is shown as it is; None as "".
    """
    if state is None:
        return ""
    if kind is None and isinstance(state, enum.StrEnum):
        kind = type(state)
    value = state.value if isinstance(state, enum.Enum) else str(state)
    found = _LABELS.get(kind, {}).get(value) if kind is not None else None
    return found() if found else value
