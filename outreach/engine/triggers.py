"""When APScheduler wakes the planner for a campaign: ahead of each of its slots.

APScheduler keeps its jobs in memory only (the store is the truth and the
service plans what it missed on start), so a job is simply a method of the
running service and a trigger never needs to be pickled.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from apscheduler.triggers.base import BaseTrigger

if TYPE_CHECKING:
    from outreach.campaigns.spec import CampaignSpec


class SlotTrigger(BaseTrigger):  # type: ignore[misc]  # APScheduler 3 ships no type information
    """Fires ``ahead`` of each of a campaign's slots, computed on its own clock.

    APScheduler's CronTrigger misplaces slots on daylight-saving days, so the
    campaign's schedule module (``next_slots``) decides and APScheduler only waits.
    """

    __slots__ = ("ahead", "spec")

    def __init__(self, spec: CampaignSpec, ahead: dt.timedelta = dt.timedelta(0)) -> None:
        self.spec = spec
        self.ahead = ahead

    def get_next_fire_time(self, previous_fire_time: dt.datetime | None,
                           now: dt.datetime) -> dt.datetime | None:
        from outreach.campaigns.schedule import next_slots

        after = now - dt.timedelta(seconds=1)
        if previous_fire_time is not None:
            after = max(after, previous_fire_time + self.ahead)
        slots = next_slots(self.spec, after, 1)
        return slots[0] - self.ahead if slots else None

    def __getstate__(self) -> Any:
        raise TypeError("SlotTrigger lives in memory only: the store keeps the durable state")

    def __str__(self) -> str:
        return f"slots of {self.spec.slug}"
