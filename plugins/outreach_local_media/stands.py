"""What a stand shows besides its own story: the latest reports of its municipality and
the meetings ahead (``events.toml`` in the media folder).

One function for both ways a stand is made: ``outreach posters render`` and a
publication going out through the channel (its ``posters`` setting).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from outreach_local_media.events import EVENTS_FILE, Upcoming, read_events, upcoming
from outreach_local_media.posters.designs import STAND_REPORTS

if TYPE_CHECKING:
    from outreach.channels import ChannelContext, MediaLimits, Post


def stand_news(context: ChannelContext, post: Post, limits: MediaLimits,
               today: dt.date | None = None) -> tuple[list[Post], list[Upcoming]]:
    """``post`` first and the other latest reports of its municipality (photos fitted to
    ``limits``), and the events from ``today`` (the centre's today) on; only ``post``
    when the channel was given no stories (``context.library``)."""
    library = context.library
    if library is None:
        return [post], []
    others = [report for report in library.recent_reports(post.municipality, STAND_REPORTS,
                                                          limits)
              if report.story_id != post.story_id][:STAND_REPORTS - 1]
    events = read_events(library.media_dir / EVENTS_FILE)
    return [post, *others], upcoming(events, post.municipality, today or _today(context))


def _today(context: ChannelContext) -> dt.date:
    if not context.time_zone:
        return dt.date.today()
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(context.time_zone)).date()
