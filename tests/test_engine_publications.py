"""Publications as a person sees and settles them: listing, details, retry, cancel, resolve."""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo
from typing import Any

import pytest
import sqlalchemy as sa
from outbox_support import T0, seed
from sqlmodel import select

from outreach.db import Store
from outreach.db.models import (
    Publication,
    PublicationAttempt,
)
from outreach.engine.publications import (
    cancel_publication,
    list_publications,
    publication_detail,
    resolve_not_posted,
    resolve_posted,
    retry_publication,
)
from outreach.errors import NotFoundError, StateError

EKB = zoneinfo.ZoneInfo("Asia/Yekaterinburg")


@pytest.fixture
def seeded(store: Store) -> dict[str, int]:
    return seed(store)


def status_of(store: Store, publication_id: int) -> Publication:
    with store.session() as s:
        return s.get(Publication, publication_id)


def test_list_is_newest_slot_first_and_filters(store: Store, seeded: dict[str, int]) -> None:
    with store.session() as s:
        rows = list_publications(s)
        assert [r.id for r in rows][0] == seeded["planned"]
        assert rows[-1].id == seeded["cancelled"]
        assert rows[-1].campaign is None
        failed = next(r for r in rows if r.id == seeded["failed"])
        assert (failed.campaign, failed.channel, failed.attempts, failed.last_error) == (
            "mentoring", "telegram", 3, "the bot was removed from the channel")
        assert failed.story_title == "Серебряные волонтёры в школе №5"

        wanted = list_publications(s, statuses=("failed", "uncertain"))
        assert {r.id for r in wanted} == {seeded["failed"], seeded["uncertain"]}
        assert {r.id for r in list_publications(s, channel="telegram")} == {
            seeded["failed"], seeded["published"]}
        assert seeded["cancelled"] not in {r.id for r in list_publications(s,
                                                                            campaign="mentoring")}
        assert {r.id for r in list_publications(s, since=T0 + dt.timedelta(days=1))} == {
            seeded["planned"]}
        assert len(list_publications(s, limit=2)) == 2


def test_list_with_an_unknown_campaign_suggests_the_close_one(store: Store,
                                                              seeded: dict[str, int]) -> None:
    with store.session() as s, pytest.raises(NotFoundError) as caught:
        list_publications(s, campaign="mentorin")
    assert str(caught.value) == ("no campaign 'mentorin' in the store (did you mean "
                                 "'mentoring'?); campaigns in the store: mentoring")


def test_detail_has_attempts_referral_and_the_latest_snapshot(store: Store,
                                                              seeded: dict[str, int]) -> None:
    with store.session() as s:
        failed = publication_detail(s, seeded["failed"])
        published = publication_detail(s, seeded["published"])
        with pytest.raises(NotFoundError, match="no publication with id 999"):
            publication_detail(s, 999)
    assert [(a.number, a.outcome) for a in failed.attempts] == [
        (1, "transient"), (2, "transient"), (3, "auth")]
    assert failed.campaign == "mentoring"
    assert published.referral is not None and published.referral.short_code == "MIA-7"
    assert published.engagement is not None
    assert (published.engagement.likes, published.engagement.views) == (9, None)


def test_retry_a_failed_one_plans_it_now_and_keeps_the_count(store: Store,
                                                            seeded: dict[str, int]) -> None:
    now = T0 + dt.timedelta(hours=2)
    change = retry_publication(store, seeded["failed"], now=now)
    assert (change.before, change.after, change.changed) == ("failed", "planned", True)
    row = status_of(store, seeded["failed"])
    assert (row.status, row.next_attempt_at, row.attempts, row.last_error) == (
        "planned", now, 3, None)


def test_retry_refusals_say_why(store: Store, seeded: dict[str, int]) -> None:
    uncertain = seeded["uncertain"]
    with pytest.raises(StateError) as caught:
        retry_publication(store, uncertain)
    assert str(caught.value) == (
        f"publication {uncertain} may already be on vk: check, then use "
        f"'outreach publications resolve {uncertain} --posted URL' or "
        f"'outreach publications retry {uncertain} --force'")
    assert status_of(store, uncertain).status == "uncertain"

    with pytest.raises(StateError, match=r"is being published right now; try again in a minute"):
        retry_publication(store, seeded["sending"])
    with pytest.raises(StateError, match=r"is already published at https://t\.me/silver_ekb/42; "
                                         r"delete it on the platform if needed"):
        retry_publication(store, seeded["published"])
    with pytest.raises(StateError, match="was cancelled; it will not be published"):
        retry_publication(store, seeded["cancelled"])
    with pytest.raises(NotFoundError, match="no publication with id 999"):
        retry_publication(store, 999)

    planned = retry_publication(store, seeded["planned"])
    assert not planned.changed

    forced = retry_publication(store, uncertain, force=True)
    assert (forced.before, forced.after) == ("uncertain", "planned")
    row = status_of(store, uncertain)
    assert (row.lease_owner, row.last_error) == (None, None)


def test_cancel_from_each_state(store: Store, seeded: dict[str, int]) -> None:
    for name in ("planned", "failed", "uncertain"):
        change = cancel_publication(store, seeded[name])
        assert (change.before, change.after) == (name, "cancelled")
        assert status_of(store, seeded[name]).status == "cancelled"
    assert not cancel_publication(store, seeded["cancelled"]).changed
    with pytest.raises(StateError) as caught:
        cancel_publication(store, seeded["sending"])
    assert str(caught.value) == (f"publication {seeded['sending']} is being published right "
                                 "now; try again in a minute")
    with pytest.raises(StateError) as caught:
        cancel_publication(store, seeded["published"])
    assert str(caught.value) == (f"publication {seeded['published']} is already published at "
                                 "https://t.me/silver_ekb/42; delete it on the platform if needed")
    assert status_of(store, seeded["sending"]).status == "sending"


def test_resolve_posted_records_the_link_and_the_decision(store: Store,
                                                         seeded: dict[str, int]) -> None:
    uncertain = seeded["uncertain"]
    asked = []

    def read_id(channel: str, url: str) -> str | None:
        asked.append((channel, url))
        return "-218375169_1234"

    change = resolve_posted(store, uncertain, " https://vk.com/wall-218375169_1234 ",
                            read_id=read_id)
    assert asked == [("vk", "https://vk.com/wall-218375169_1234")]
    assert (change.before, change.after) == ("uncertain", "published")
    row = status_of(store, uncertain)
    assert (row.status, row.url, row.external_id, row.attempts) == (
        "published", "https://vk.com/wall-218375169_1234", "-218375169_1234", 2)
    assert row.published_at is not None
    with store.session() as s:
        attempts = publication_detail(s, uncertain).attempts
    assert [(a.number, a.outcome, a.worker, a.error) for a in attempts] == [
        (1, "uncertain", "worker-1", "no answer from VK after 30 s"),
        (2, "published", "person",
         "resolved by a person: posted at https://vk.com/wall-218375169_1234")]
    # A failed one may also turn out to be posted (the answer was lost). A link the
    # plugin cannot read is its own id.
    assert resolve_posted(store, seeded["failed"], "https://ok.ru/group/1/topic/43",
                          read_id=lambda channel, url: None).after == "published"
    assert status_of(store, seeded["failed"]).external_id == "https://ok.ru/group/1/topic/43"


def test_resolve_refusals(store: Store, seeded: dict[str, int]) -> None:
    with pytest.raises(StateError, match="'vk.com/wall' is not a link to a post; copy it from"):
        resolve_posted(store, seeded["uncertain"], "vk.com/wall")
    with pytest.raises(StateError, match=r"has not been sent yet \(it is planned\); to stop it"):
        resolve_posted(store, seeded["planned"], "https://vk.com/wall-1_2")
    with pytest.raises(StateError, match="already published at https://t.me/silver_ekb/42"):
        resolve_posted(store, seeded["published"], "https://t.me/silver_ekb/42")
    with pytest.raises(StateError) as caught:
        resolve_not_posted(store, seeded["failed"])
    assert str(caught.value) == (
        f"publication {seeded['failed']} failed, so nothing was posted; to send it again, use "
        f"'outreach publications retry {seeded['failed']}'")
    with store.session() as s:
        assert len(publication_detail(s, seeded["uncertain"]).attempts) == 1  # nothing recorded


def test_resolve_not_posted_plans_it_again_now(store: Store, seeded: dict[str, int]) -> None:
    now = T0 + dt.timedelta(hours=1)
    change = resolve_not_posted(store, seeded["uncertain"], now=now)
    assert (change.before, change.after, change.due) == ("uncertain", "planned", now)
    row = status_of(store, seeded["uncertain"])
    assert (row.status, row.next_attempt_at, row.last_error) == ("planned", now, None)
    with store.session() as s:
        last = s.exec(select(PublicationAttempt).order_by(PublicationAttempt.id.desc())).first()
    assert (last.number, last.worker, last.error) == (2, "person",
                                                      "resolved by a person: not posted")


def test_a_worker_taking_the_row_first_wins_and_the_refusal_says_so(
        store: Store, seeded: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """The dispatcher claims the row between our read and our conditional update."""
    import outreach.engine.publications as publications

    failed = seeded["failed"]
    real = publications.get_publication
    calls = {"n": 0}

    def read_then_claim(session: Any, publication_id: int) -> Publication:
        found = real(session, publication_id)
        calls["n"] += 1
        if calls["n"] == 1:
            def claim() -> None:  # another connection, as another worker would be
                with store.engine.begin() as c:
                    c.execute(sa.update(Publication.__table__)
                              .where(Publication.__table__.c.id == failed)
                              .values(status="sending", lease_owner="worker-2"))
            thread = threading.Thread(target=claim)
            if store.is_sqlite:
                session.commit()  # SQLite: let the other writer in before our UPDATE
            thread.start()
            thread.join()
        return found

    monkeypatch.setattr(publications, "get_publication", read_then_claim)
    with pytest.raises(StateError, match="is being published right now; try again in a minute"):
        cancel_publication(store, failed)
    row = status_of(store, failed)
    assert (row.status, row.lease_owner) == ("sending", "worker-2")
