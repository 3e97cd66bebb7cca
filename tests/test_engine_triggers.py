"""The trigger that wakes the planner ahead of each of a campaign's slots."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest
from campaign_support import campaign

from outreach.engine.triggers import SlotTrigger

UTC = dt.UTC
AHEAD = dt.timedelta(minutes=2)


def test_fires_ahead_of_each_slot_on_the_campaigns_clock(tmp_path: Path) -> None:
    spec = campaign(tmp_path, 'cron = "0 10 * * tue,thu"')
    trigger = SlotTrigger(spec, AHEAD)
    now = dt.datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # Tuesday 11:00 in Yekaterinburg
    first = trigger.get_next_fire_time(None, now)
    assert first == dt.datetime(2026, 12, 3, 4, 58, tzinfo=UTC)  # Thursday 09:58
    # The next firing is for the next slot, not the one just woken for.
    assert trigger.get_next_fire_time(first, first) == dt.datetime(2026, 12, 8, 4, 58, tzinfo=UTC)


def test_lives_in_memory_only(tmp_path: Path) -> None:
    # The store keeps the durable state; a trigger that could be pickled would
    # suggest a persistent job store, where two workers would run jobs twice.
    with pytest.raises(TypeError, match="memory only"):
        pickle.dumps(SlotTrigger(campaign(tmp_path, 'every = "1h"'), AHEAD))
