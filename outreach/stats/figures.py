"""The figures of ``outreach stats``: sums per group, and what the queries return.

A figure a platform does not report is None, never 0: ``Figures.unreported``
counts the publications that did not report it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from outreach.db.states import METRICS

INTERACTIONS = ("likes", "shares", "comments", "reactions")  # the chart's "engagement"


@dataclass
class Figures:
    """Sums for one group; a metric no publication reported stays None."""

    publications: int = 0
    signups: int = 0
    sums: dict[str, int | None] = field(default_factory=lambda: dict.fromkeys(METRICS))
    unreported: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METRICS, 0))

    @classmethod
    def from_vector(cls, vector: Sequence[int]) -> Figures:
        """From (publications, signups, five sums of the known, five counts of the known)."""
        publications, signups = vector[0], vector[1]
        sums, known = vector[2:2 + len(METRICS)], vector[2 + len(METRICS):]
        return cls(publications=publications, signups=signups,
                   sums={m: (t if k else None) for m, t, k in zip(METRICS, sums, known,
                                                                   strict=True)},
                   unreported={m: publications - k for m, k in zip(METRICS, known,
                                                                     strict=True)})

    def merge(self, other: Figures) -> None:
        self.publications += other.publications
        self.signups += other.signups
        for metric in METRICS:
            if other.sums[metric] is not None:
                self.sums[metric] = (self.sums[metric] or 0) + (other.sums[metric] or 0)
            self.unreported[metric] += other.unreported[metric]

    def interactions(self) -> int:
        """Likes, shares, comments and reactions that were reported, together."""
        return sum(self.sums[m] or 0 for m in INTERACTIONS)

    @staticmethod
    def rank_of(vector: Sequence[int]) -> tuple[int, int]:
        """Top stories: by sign-ups, then by views and likes (the known ones), read off
        the ``vector`` ``from_vector`` takes (the sum of a metric none knew is 0)."""
        return vector[1], vector[2 + METRICS.index("views")] + vector[2 + METRICS.index("likes")]


@dataclass(frozen=True)
class StoryInfo:
    id: int
    title: str
    municipality: str | None


@dataclass(frozen=True)
class AudienceChange:
    channel: str
    first_at: dt.datetime
    first: int
    last_at: dt.datetime
    last: int

    @property
    def change(self) -> int | None:
        """None when there was only one count in the period (no change can be told)."""
        return None if self.first_at == self.last_at else self.last - self.first


@dataclass(frozen=True)
class SlotWarning:
    campaign: str
    slot: dt.datetime
    outcome: str
    detail: str | None


def week_label(week: tuple[int, int]) -> str:
    """'2026-W42 (12.10–18.10)': the ISO week and its Monday to Sunday."""
    monday = dt.date.fromisocalendar(week[0], week[1], 1)
    sunday = monday + dt.timedelta(days=6)
    return f"{week[0]}-W{week[1]:02d} ({monday:%d.%m}–{sunday:%d.%m})"
