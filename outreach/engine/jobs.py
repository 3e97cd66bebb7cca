"""Scheduled jobs: importable functions taking plain ids, as APScheduler stores them.

A job finds its running service by id, so it never holds a bound method or
an open session, and the same function could run in another worker.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from apscheduler.triggers.base import BaseTrigger

if TYPE_CHECKING:
    from outreach.campaigns.spec import CampaignSpec
    from outreach.engine.service import Service

_SERVICES: dict[str, Service] = {}


def register(service: Service) -> None:
    _SERVICES[service.worker] = service


def unregister(service: Service) -> None:
    _SERVICES.pop(service.worker, None)


def plan_campaign(worker: str, slug: str) -> None:
    """A campaign's slot is near: ask the planner to plan it (idempotent)."""
    if (service := _SERVICES.get(worker)) is not None:
        service.request_plan([slug])


def plan_all(worker: str) -> None:
    """The safety net: plan anything due that a trigger did not wake (clock jumps)."""
    if (service := _SERVICES.get(worker)) is not None:
        service.request_plan()


def reload_campaigns(worker: str) -> None:
    if (service := _SERVICES.get(worker)) is not None:
        service.reload_if_changed()


def collect(worker: str) -> None:
    if (service := _SERVICES.get(worker)) is not None:
        service.collect()


def tidy(worker: str) -> None:
    if (service := _SERVICES.get(worker)) is not None:
        service.tidy()


class SlotTrigger(BaseTrigger):
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
