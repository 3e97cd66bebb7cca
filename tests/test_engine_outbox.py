"""The outbox: claims are exclusive, outcomes are recorded only by the lease holder."""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from engine_support import T0, add_publications, add_stories, make_centre, publication
from sqlmodel import select

from outreach.channels import Published
from outreach.db.models import PublicationAttempt
from outreach.engine import outbox

LEASE = dt.timedelta(minutes=10)


def test_claim_takes_due_planned_rows_and_opens_an_attempt(tmp_path: Path, store_url: str):
    centre = make_centre(tmp_path, store_url, {"a": {"plugin": "test"}})
    stories = add_stories(centre.store, 3)
    due = add_publications(centre.store, centre.ids["test"], stories[:2], "a", T0)
    later = add_publications(centre.store, centre.ids["test"], stories[2:], "a",
                             T0 + dt.timedelta(hours=1))

    claimed = outbox.claim(centre.store, "w1", T0, LEASE, limit=10)

    assert [c.id for c in claimed] == due and all(c.attempt == 1 for c in claimed)
    row = publication(centre.store, due[0])
    assert (row.status, row.lease_owner, row.attempts) == ("sending", "w1", 1)
    assert row.lease_until == T0 + LEASE
    assert publication(centre.store, later[0]).status == "planned"
    with centre.store.session() as session:
        attempts = session.exec(select(PublicationAttempt)).all()
    assert sorted((a.publication_id, a.number, a.worker) for a in attempts) == [
        (due[0], 1, "w1"), (due[1], 1, "w1")]


def test_concurrent_claimers_never_share_a_row(tmp_path: Path, store_url: str):
    centre = make_centre(tmp_path, store_url, {"a": {"plugin": "test"}})
    ids = add_publications(centre.store, centre.ids["test"], add_stories(centre.store, 120), "a")

    def claimer(worker: str) -> list[int]:
        mine: list[int] = []
        while batch := outbox.claim(centre.store, worker, T0, LEASE, limit=7):
            mine += [c.id for c in batch]
            time.sleep(0.01)  # the work a worker does between claims
        return mine

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(claimer, ["w1", "w2", "w3", "w4"]))
    every = [pid for result in results for pid in result]
    assert sorted(every) == ids  # each row claimed exactly once
    assert sum(1 for result in results if result) >= 2  # and the work was shared


def test_only_the_lease_holder_records_the_outcome(tmp_path: Path, store_url: str):
    centre = make_centre(tmp_path, store_url, {"a": {"plugin": "test"}})
    [pid] = add_publications(centre.store, centre.ids["test"], add_stories(centre.store, 1), "a")
    [item] = outbox.claim(centre.store, "w1", T0, LEASE, limit=1)
    done = Published("42", "https://example.org/42")

    assert not outbox.record_published(centre.store, pid, 1, "w2", T0, done)
    assert publication(centre.store, pid).status == "sending"
    assert outbox.record_published(centre.store, pid, item.attempt, "w1", T0, done)
    row = publication(centre.store, pid)
    assert (row.status, row.external_id, row.url, row.lease_owner) == (
        "published", "42", "https://example.org/42", None)
    # Published is final: a retry from a confused worker changes nothing.
    assert not outbox.record_retry(centre.store, pid, 1, "w1", T0, "transient", "x", T0)
    assert publication(centre.store, pid).status == "published"


def test_a_late_success_settles_an_uncertain_row(tmp_path: Path, store_url: str):
    centre = make_centre(tmp_path, store_url, {"a": {"plugin": "test"}})
    [pid] = add_publications(centre.store, centre.ids["test"], add_stories(centre.store, 1), "a")
    outbox.claim(centre.store, "w1", T0, LEASE, limit=1)
    outbox.record_stopped(centre.store, pid, 1, "w1", T0, "uncertain", "uncertain", "no answer")

    assert outbox.record_published(centre.store, pid, 1, "w1", T0, Published("7", "u"))
    assert publication(centre.store, pid).status == "published"


def test_expired_leases_can_be_taken_over_once(tmp_path: Path, store_url: str):
    centre = make_centre(tmp_path, store_url, {"a": {"plugin": "test"}})
    [pid] = add_publications(centre.store, centre.ids["test"], add_stories(centre.store, 1), "a")
    outbox.claim(centre.store, "dead", T0, LEASE, limit=1)

    assert outbox.expired(centre.store, T0 + LEASE / 2) == []
    assert outbox.take_over(centre.store, pid, "w2", T0 + LEASE / 2, LEASE) is None
    later = T0 + LEASE * 2
    assert outbox.expired(centre.store, later) == [pid]
    assert outbox.take_over(centre.store, pid, "w2", later, LEASE) == 1
    assert outbox.take_over(centre.store, pid, "w3", later, LEASE) is None
    assert publication(centre.store, pid).lease_owner == "w2"


def test_release_hands_a_row_back_without_counting_an_attempt(tmp_path: Path, store_url: str):
    centre = make_centre(tmp_path, store_url, {"a": {"plugin": "test"}})
    [pid] = add_publications(centre.store, centre.ids["test"], add_stories(centre.store, 1), "a")
    outbox.claim(centre.store, "w1", T0, LEASE, limit=1)

    assert outbox.release(centre.store, pid, 1, "w1", T0)
    row = publication(centre.store, pid)
    assert (row.status, row.attempts, row.lease_owner) == ("planned", 0, None)
    with centre.store.session() as session:
        assert session.exec(select(PublicationAttempt)).all() == []


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    import random

    rng = random.Random(1)
    first = [outbox.backoff(1, rng).total_seconds() for _ in range(50)]
    assert all(15 <= s <= 45 for s in first) and len(set(first)) > 1
    assert all(30 <= outbox.backoff(2, rng).total_seconds() <= 90 for _ in range(20))
    assert max(outbox.backoff(30, rng) for _ in range(20)) <= outbox.BACKOFF_CAP * 1.5
