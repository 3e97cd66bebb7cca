"""What came back after publishing fails the publication once, whoever passes it how often."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from outbox_support import T0, add_attempt, add_campaign, add_publication, add_story
from sqlmodel import select

from outreach.channels import AuthError, Returned, TransientError
from outreach.db import Store
from outreach.db.models import Publication, PublicationAttempt
from outreach.engine.posts import idempotency_key, publication_id_of
from outreach.engine.returns import ReturnsReport, read_returns, record_return
from outreach_testing import RecordingChannel, make_registry, make_test_config


def published(store: Store, channel: str = "press", status: str = "published") -> int:
    with store.session() as session:
        story = add_story(session)
        number = add_publication(session, story, add_campaign(session), channel, T0, status,
                                 attempts=1, url="file:///kits/1")
        add_attempt(session, number, 1, "published")
    return number


def returned(store: Store, number: int, key: str = "bounce:1",
             reason: str = "the e-mail to «Газета» came back") -> Returned:
    """What the channel passes for publication ``number``: its key, as ``build_post`` made it."""
    with store.session() as session:
        row = session.get(Publication, number)
        assert row is not None and row.slot is not None
        made = idempotency_key(number, row.story_id, row.channel, row.slot)
    return Returned(idempotency_key=made, key=key, reason=reason)


def attempts(store: Store, number: int) -> list[tuple[str, str | None]]:
    with store.session() as session:
        rows = session.exec(select(PublicationAttempt).where(
            PublicationAttempt.publication_id == number)
            .order_by(PublicationAttempt.number)).all()  # type: ignore[arg-type]
        return [(row.outcome, row.error) for row in rows]


def test_a_return_fails_the_publication_once(store: Store) -> None:
    number = published(store)
    report = ReturnsReport()
    back = returned(store, number)
    record_return(store, "press", report, back)
    record_return(store, "press", report, back)  # passed again (a crash, a second worker)
    with store.session() as session:
        row = session.get(Publication, number)
        assert row is not None
        assert (row.status, row.last_error, row.attempts) == (
            "failed", "the e-mail to «Газета» came back", 2)
        assert row.url == "file:///kits/1"  # the kit is still there
    assert attempts(store, number) == [("published", None),
                                       ("permanent", "the e-mail to «Газета» came back")]
    assert report.recorded == [(number, "the e-mail to «Газета» came back")]


def test_a_second_outlet_s_return_adds_its_reason(store: Store) -> None:
    number = published(store)
    report = ReturnsReport()
    record_return(store, "press", report, returned(store, number))
    record_return(store, "press", report, returned(store, number, "bounce:2",
                                                   "the e-mail to «Радио» came back"))
    with store.session() as session:
        row = session.get(Publication, number)
        assert row is not None
        assert row.last_error == ("the e-mail to «Газета» came back; "
                                  "the e-mail to «Радио» came back")
    assert len(attempts(store, number)) == 3


@pytest.mark.parametrize("status", ["planned", "cancelled"])
def test_a_publication_being_sent_again_or_cancelled_is_left_as_it_is(
        store: Store, status: str, caplog: pytest.LogCaptureFixture) -> None:
    number = published(store, status=status)
    report = ReturnsReport()
    record_return(store, "press", report, returned(store, number))
    with store.session() as session:
        row = session.get(Publication, number)
        assert row is not None and row.status == status
    assert report.recorded == [] and "only noted here" in caplog.text


def test_a_key_of_another_channel_or_publication_changes_nothing(
        store: Store, caplog: pytest.LogCaptureFixture) -> None:
    number = published(store)
    report = ReturnsReport()
    back = returned(store, number)
    record_return(store, "vk", report, back)  # the right key, told by another channel
    record_return(store, "press", report, Returned("outreach-999-abcdef123456", "b", "x"))
    record_return(store, "press", report, Returned("poster-1", "b", "x"))
    with store.session() as session:
        row = session.get(Publication, number)
        assert row is not None and row.status == "published"
    assert report.recorded == [] and caplog.text.count("not in the database") == 3
    assert publication_id_of("outreach-12-0123456789ab") == 12
    assert publication_id_of("poster-1") is None


class Returning(RecordingChannel):
    """A channel whose ``read`` says what it does when asked what came back."""

    plugin_name = "returning"
    read: Callable[[Callable[[Returned], None]], int] = staticmethod(lambda record: 0)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        from outreach.channels import Capabilities

        self.capabilities = Capabilities(returns=True)

    def read_returns(self, record: Callable[[Returned], None]) -> int:
        return Returning.read(record)


def test_one_channel_s_trouble_does_not_stop_the_others(
        tmp_path: Path, store: Store, caplog: pytest.LogCaptureFixture) -> None:
    config = make_test_config(tmp_path, {"a": {"plugin": "returning"},
                                                    "b": {"plugin": "test"}})
    registry = make_registry(config, [Returning, RecordingChannel])

    def down(record: Callable[[Returned], None]) -> int:
        raise TransientError("cannot reach the mailbox")

    def refused(record: Callable[[Returned], None]) -> int:
        raise AuthError("the mailbox refused the login; correct imap_user")

    def broken(record: Callable[[Returned], None]) -> int:
        raise KeyError("bug")

    Returning.read = staticmethod(down)
    assert read_returns(store, registry).problems == ["channel a: cannot reach the mailbox"]
    assert "trying again at the next round" in caplog.text
    Returning.read = staticmethod(refused)
    assert read_returns(store, registry).problems == [
        "channel a: the mailbox refused the login; correct imap_user"]
    Returning.read = staticmethod(broken)
    assert read_returns(store, registry).problems == [
        "channel a: reading what came back failed (KeyError)"]
    assert read_returns(store, registry, names=["b"]).problems == []
