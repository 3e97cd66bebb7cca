"""What a stand shows besides its own story: the latest reports of its municipality and
the meetings ahead (``events.toml`` in the media folder).

One function for every way a stand is made: ``outreach posters render``, a
publication going out through the channel (its ``posters`` setting) and the
stands it prints for its campaign's placements (their own municipality's news).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from outreach_local_media.events import EVENTS_FILE, Upcoming, read_events, upcoming
from outreach_local_media.posters.designs import STAND_REPORTS

if TYPE_CHECKING:
    from outreach.channels import ChannelContext, MediaLimits, Post


def stand_news(context: ChannelContext, post: Post, limits: MediaLimits,
               today: dt.date | None = None, municipality: str | None = None
               ) -> tuple[list[Post], list[Upcoming]]:
    """The latest reports of ``municipality`` (default: the story's; photos fitted to
    ``limits``), ``post`` first when it is from there, and the events from ``today``
    (the centre's today) on; only ``post`` when the channel was given no stories
    (``context.library``) or that municipality has none."""
    library = context.library
    place = municipality or post.municipality
    if library is None:
        return [post], []
    own = place == post.municipality
    others = [report for report in library.recent_reports(place, STAND_REPORTS, limits)
              if report.story_id != post.story_id][:STAND_REPORTS - 1 if own else STAND_REPORTS]
    reports = [post, *others] if own or not others else others
    events = read_events(library.media_dir / EVENTS_FILE)
    return reports, upcoming(events, place, today or _today(context))


def _today(context: ChannelContext) -> dt.date:
    if not context.time_zone:
        return dt.date.today()
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(context.time_zone)).date()
