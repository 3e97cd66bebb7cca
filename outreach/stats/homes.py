"""Where new volunteers live, by what brought them: ``outreach stats --by home``.

``--by municipality`` puts a sign-up under the story that brought it (where the
event happened); here it is the municipality the person gave. Every sign-up
that counts is here, with a code or without (they live somewhere all the
same), crossed with its source: the kind (``came_from``: a post, a poster or
stand, the press, offline, unattributed), the campaign or the channel.

The database counts per municipality as given × source; the same place
written in another case or with other spaces ("миасс ", "Миасс") is put
together here, under the spelling of config.toml, or else the most used one.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from outreach.db import Store

ACROSS = ("source", "campaign", "channel")


@dataclass
class HomeTable:
    since: dt.datetime | None
    until: dt.datetime | None
    zone: zoneinfo.ZoneInfo
    across: str  # one of ACROSS
    homes: list[str | None]  # the rows, most sign-ups first; None: not given, last
    columns: list[str | None]  # the values of ``across`` present, in their order
    counts: dict[tuple[str | None, str | None], int] = field(default_factory=dict)

    def of_home(self, home: str | None) -> int:
        return sum(n for (h, _c), n in self.counts.items() if h == home)

    def of_column(self, column: str | None) -> int:
        return sum(n for (_h, c), n in self.counts.items() if c == column)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _place_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def compute_homes(store: Store, *, zone: zoneinfo.ZoneInfo, since: dt.datetime | None = None,
                  until: dt.datetime | None = None, campaign: str | None = None,
                  channel: str | None = None, across: str = "source",
                  municipalities: tuple[str, ...] = ()) -> HomeTable:
    """Sign-ups in [since, until) per home municipality × ``across``; ``municipalities``
    (config.toml's) give the spelling a place is shown with."""
    import sqlalchemy as sa

    from outreach.db import tables
    from outreach.db.lookups import campaign_id_for
    from outreach.db.tables import counted, in_period
    from outreach.signups.sources import CAME_FROM, came_from_sql

    if across not in ACROSS:
        raise ValueError(f"unknown column grouping {across!r}")
    s, r, p = tables.signup.c, tables.referralcode.c, tables.publication.c
    c = tables.campaign.c
    campaign_of = sa.func.coalesce(p.campaign_id, r.campaign_id)
    # Without a code, the channel is where the dialog took place (as signups list says).
    channel_of = sa.func.coalesce(p.channel, r.channel, s.channel)
    column = {"source": came_from_sql(s.source, r.kind), "campaign": c.slug,
              "channel": channel_of}[across]
    query = (sa.select(s.municipality, column, sa.func.count(s.id))
             .select_from(tables.signup
                          .outerjoin(tables.referralcode, r.id == s.referral_code_id)
                          .outerjoin(tables.publication, p.id == r.publication_id)
                          .outerjoin(tables.campaign, c.id == campaign_of))
             .where(counted(s), *in_period(s.created_at, since, until))
             .group_by(s.municipality, column))
    with store.reading() as connection:
        if campaign is not None:
            query = query.where(campaign_of == campaign_id_for(connection, campaign))
        if channel is not None:
            query = query.where(channel_of == channel)
        found = list(connection.execute(query))
    spelling: dict[str, Counter[str]] = {}
    for home, _column, count in found:
        if home is not None:
            spelling.setdefault(_place_key(home), Counter())[home] += int(count)
    named = {_place_key(name): name for name in municipalities}
    shown = {key: named.get(key) or names.most_common(1)[0][0]
             for key, names in spelling.items()}
    counts: Counter[tuple[str | None, str | None]] = Counter()
    for home, value, count in found:
        counts[(shown[_place_key(home)] if home is not None else None, value)] += int(count)
    table = HomeTable(since=since, until=until, zone=zone, across=across, homes=[],
                      columns=[], counts=dict(counts))
    table.homes = sorted({h for h, _c in counts}, key=lambda h: (
        h is None, -table.of_home(h), h or ""))
    values = {v for _h, v in counts}
    if across == "source":
        table.columns = [kind for kind in CAME_FROM if kind in values]
    else:
        table.columns = sorted(values, key=_none_last)
    return table


def _none_last(value: Any) -> tuple[bool, Any]:
    return value is None, value or ""
