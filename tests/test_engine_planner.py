"""Planning: each slot once, late slots within grace only, empty slots said out loud."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from engine_support import T0, add_stories, make_centre
from sqlmodel import select

from outreach.db.models import Campaign, CampaignSlot, Publication, ReferralCode
from outreach.engine.planner import plan_due, sync_campaigns

HOUR = dt.timedelta(hours=1)


def _rows(centre):
    with centre.store.session() as session:
        publications = session.exec(select(Publication).order_by(Publication.id)).all()
        slots = session.exec(select(CampaignSlot).order_by(CampaignSlot.slot)).all()
    return publications, slots


def test_a_new_campaign_starts_with_its_latest_due_slot(tmp_path: Path, store_url: str):
    centre = make_centre(tmp_path, store_url, {"a": {"plugin": "test"}},
                         schedule='every = "10m"', grace="1h")
    add_stories(centre.store, 10)

    report = plan_due(centre.store, centre.config, centre.specs["test"], centre.ids["test"], T0)

    publications, slots = _rows(centre)
    assert [p.slot for p in publications] == [T0]  # not the six slots of the last hour
    assert report.planned == [(T0, 1)] and report.skipped == 0
    assert [(s.slot, s.outcome, s.publications) for s in slots] == [(T0, "planned", 1)]


def test_planning_twice_plans_nothing_new(tmp_path: Path, store_url: str):
    centre = make_centre(tmp_path, store_url, {"a": {"plugin": "test"}, "b": {"plugin": "test"}},
                         schedule='every = "1h"')
    add_stories(centre.store, 5)
    spec, cid = centre.specs["test"], centre.ids["test"]

    plan_due(centre.store, centre.config, spec, cid, T0)
    again = plan_due(centre.store, centre.config, spec, cid, T0)

    publications, _ = _rows(centre)
    assert not again
    assert sorted((p.channel, p.slot) for p in publications) == [("a", T0), ("b", T0)]
    assert len({p.story_id for p in publications}) == 1  # one story, on both channels


def test_slots_missed_within_grace_are_planned_once_older_ones_skipped(
        tmp_path: Path, store_url: str):
    centre = make_centre(tmp_path, store_url, {"a": {"plugin": "test"}},
                         schedule='every = "1h"', grace="3h")
    add_stories(centre.store, 20)
    spec, cid = centre.specs["test"], centre.ids["test"]
    plan_due(centre.store, centre.config, spec, cid, T0)

    # The service was down for ten hours.
    back = T0 + 10 * HOUR + dt.timedelta(minutes=5)
    report = plan_due(centre.store, centre.config, spec, cid, back)
    plan_due(centre.store, centre.config, spec, cid, back)  # and a restart right after

    publications, slots = _rows(centre)
    planned = [p.slot for p in publications]
    assert planned == [T0, T0 + 8 * HOUR, T0 + 9 * HOUR, T0 + 10 * HOUR]
    assert report.skipped == 7
    [skipped] = [s for s in slots if s.outcome == "skipped"]
    assert skipped.slot == T0 + HOUR
    assert skipped.detail.startswith("7 slots from 2026-12-01 11:00 to 2026-12-01 17:00 were "
                                     "missed while the service was not running")
    with centre.store.session() as session:
        campaign = session.get(Campaign, cid)
    assert campaign.last_planned_slot == T0 + 10 * HOUR


def test_a_slot_without_stories_is_recorded_as_empty(tmp_path: Path, store_url: str, caplog):
    centre = make_centre(tmp_path, store_url, {"a": {"plugin": "test"}})
    add_stories(centre.store, 2, status="draft")

    report = plan_due(centre.store, centre.config, centre.specs["test"], centre.ids["test"], T0)

    publications, slots = _rows(centre)
    assert publications == [] and report.empty == [T0]
    assert [(s.outcome, s.detail) for s in slots] == [("empty",
                                                       "no approved story left for this slot")]
    assert "has no approved story left to publish" in caplog.text


def test_stories_are_not_reused_before_their_time(tmp_path: Path, store_url: str):
    centre = make_centre(tmp_path, store_url, {"a": {"plugin": "test"}},
                         schedule='every = "1h"', grace="10m", reuse=0)
    add_stories(centre.store, 2)
    spec, cid = centre.specs["test"], centre.ids["test"]
    for hour in range(3):
        plan_due(centre.store, centre.config, spec, cid, T0 + hour * HOUR)

    publications, slots = _rows(centre)
    assert len({p.story_id for p in publications}) == 2 == len(publications)
    assert [s.outcome for s in slots] == ["planned", "planned", "empty"]


def test_sync_marks_a_removed_campaign_inactive(tmp_path: Path, store_url: str):
    centre = make_centre(tmp_path, store_url, {"a": {"plugin": "test"}})
    assert sync_campaigns(centre.store, []) == {}
    with centre.store.session() as session:
        [campaign] = session.exec(select(Campaign)).all()
    assert campaign.slug == "test" and campaign.active is False
    ids = sync_campaigns(centre.store, centre.specs.values())
    assert ids == centre.ids


def test_each_publication_gets_its_own_code_a_person_can_bring_back(tmp_path: Path,
                                                                      store_url: str):
    from outreach.channels import DEEP_LINK_CODE
    from outreach.signups.referrals import match_code

    centre = make_centre(tmp_path, store_url, {"a": {"plugin": "test"}, "b": {"plugin": "test"}},
                         schedule='every = "1h"')
    add_stories(centre.store, 1)
    plan_due(centre.store, centre.config, centre.specs["test"], centre.ids["test"], T0)

    publications, _ = _rows(centre)
    codes = [p.referral_code for p in publications]
    assert len(set(codes)) == 2 and all(DEEP_LINK_CODE.match(code or "") for code in codes)
    with centre.store.session() as session:
        for publication in publications:
            found = match_code(session, publication.referral_code, deep_link=True)
            stored = session.get(ReferralCode, found.referral_code_id)
            assert stored is not None
            assert (stored.publication_id, stored.channel, stored.campaign_id, stored.kind) == (
                publication.id, publication.channel, centre.ids["test"], "publication")
