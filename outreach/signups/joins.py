"""Community and channel joins, attributed to the post most recently published before them.

A join is weaker evidence than a sign-up: the person may have come for any
reason. It is credited to the publication published on that channel last
before the join and no longer ago than ``[signups] join_window`` (48h by
default); a join with no such post is stored unattributed.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from outreach.db.models import AudienceJoin, Publication, PublicationStatus

if TYPE_CHECKING:
    from outreach.config import Config
    from outreach.db import Store


def record_join(store: Store, config: Config, channel: str, person: str,
                at: dt.datetime) -> AudienceJoin | None:
    """Store the join of ``person`` (a "<plugin>:<id>" key) to ``channel`` at ``at``.

    A second join of the same person to the same channel within the window
    (people leave and come back) is the same join: None is returned for it.
    """
    from sqlmodel import col, select

    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    window = config.signups.join_window
    with store.session() as session:
        earlier = session.exec(
            select(AudienceJoin.id).where(AudienceJoin.channel == channel,
                                          AudienceJoin.person == person,
                                          col(AudienceJoin.joined_at) > at - window,
                                          col(AudienceJoin.joined_at) <= at + window)).first()
        if earlier is not None:
            return None
        publication_id = session.exec(
            select(Publication.id).where(
                Publication.channel == channel,
                Publication.status == PublicationStatus.published.value,
                col(Publication.published_at) <= at,
                col(Publication.published_at) >= at - window)
            .order_by(col(Publication.published_at).desc(), col(Publication.id).desc())).first()
        join = AudienceJoin(channel=channel, person=person, joined_at=at,
                            publication_id=publication_id)
        session.add(join)
        session.flush()
        return join
