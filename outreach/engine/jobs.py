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
    """A campaign's slot has come: plan what is due (idempotent)."""
    if (service := _SERVICES.get(worker)) is not None:
        service.plan(slugs=[slug])


def plan_all(worker: str) -> None:
    """The safety net: plan anything due that a trigger did not wake (clock jumps)."""
    if (service := _SERVICES.get(worker)) is not None:
        service.plan()


def reload_campaigns(worker: str) -> None:
    if (service := _SERVICES.get(worker)) is not None:
        service.reload_if_changed()


def collect(worker: str) -> None:
    if (service := _SERVICES.get(worker)) is not None:
        service.collect()


class SlotTrigger(BaseTrigger):
    """Fires at a campaign's slots, computed on its own clock (``next_slots``).

    APScheduler's CronTrigger misplaces slots on daylight-saving days, so the
    campaign's schedule module decides and APScheduler only waits.
    """

    __slots__ = ("spec",)

    def __init__(self, spec: CampaignSpec) -> None:
        self.spec = spec

    def get_next_fire_time(self, previous_fire_time: dt.datetime | None,
                           now: dt.datetime) -> dt.datetime | None:
        from outreach.campaigns.schedule import next_slots

        after = previous_fire_time if previous_fire_time is not None else now
        after = max(after, now - dt.timedelta(seconds=1))
        slots = next_slots(self.spec, after, 1)
        return slots[0] if slots else None

    def __getstate__(self) -> Any:
        raise TypeError("SlotTrigger lives in memory only: the store keeps the durable state")

    def __str__(self) -> str:
        return f"slots of {self.spec.slug}"
