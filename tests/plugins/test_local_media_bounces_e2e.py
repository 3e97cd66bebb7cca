"""A press kit goes out under `outreach run`, one editor's letter comes back: what the
coordinators see, in Russian and in English, and that nothing is told twice.

Real servers on 127.0.0.1: aiosmtpd takes the letters, the IMAP fake
(``imap_support``) holds the mailbox of mail_from; the store is SQLite and
PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import ClassVar

import pytest
from bounce_support import SENDER, postfix_dsn, qmail_failure, unrelated_letter
from click.testing import CliRunner, Result
from engine_support import add_publications, add_stories, publication
from imap_support import Mailbox
from test_local_media_bounces import PASSWORD, mailbox
from test_local_media_mail import CENTRE, OUTLETS, Inbox, inbox

from outreach.campaigns.spec import load_campaigns
from outreach.channels import Card
from outreach.cli import cli
from outreach.db import open_store
from outreach.db.models import PublicationAttempt
from outreach.engine.planner import sync_campaigns
from outreach.engine.service import Service
from outreach.i18n import language
from outreach_local_media import LocalMediaChannel
from outreach_testing import RecordingChannel, make_registry, make_test_config

__all__ = ["inbox", "mailbox"]  # the servers' fixtures

CAMPAIGN = """\
name = "Пресса"
time_zone = "Asia/Yekaterinburg"
[schedule]
cron = "0 10 1 1 *"
[content]
per_run = 1
[channels]
names = ["press"]
"""


class CoordinatorsChat(RecordingChannel):
    """The coordinators' chat: the cards it is sent are kept."""

    plugin_name = "chat"
    cards: ClassVar[list[Card]] = []

    def send_card(self, chat: str, card: Card) -> None:
        CoordinatorsChat.cards.append(card)


def cli_run(config: Path, lang: str, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["--config", str(config), *args],
                                env={"OUTREACH_LANG": lang, **PASSWORD})
    assert result.exit_code == 0, result.output
    return result


def test_a_bounce_reaches_the_coordinators_once_in_their_language(
        tmp_path: Path, store_url: str, inbox: tuple[Inbox, int],
        mailbox: tuple[Mailbox, int], caplog: pytest.LogCaptureFixture) -> None:
    smtp, smtp_port = inbox
    imap, imap_port = mailbox
    press = {"plugin": "local-media", "outlets": OUTLETS, "smtp_server": "127.0.0.1",
             "smtp_port": smtp_port, "smtp_tls": "none", "mail_from": SENDER,
             "imap_server": "127.0.0.1", "imap_port": imap_port, "imap_tls": "none",
             "imap_user": SENDER, "imap_password_env": "PRESS_MAIL_PASSWORD"}
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "campaigns" / "press.toml").write_text(CAMPAIGN, encoding="utf-8")
    config = make_test_config(tmp_path, {"press": press, "team": {"plugin": "chat"}},
                              centre=CENTRE, top={
        "database_url": store_url,
        "signups": {"policy_url": "https://example.org/p", "policy_version": "1",
                    "coordinators": {"channel": "team", "chat": "coordinators"}}})
    config_file = tmp_path / "config.toml"
    store = open_store(store_url)
    CoordinatorsChat.cards = []
    try:
        registry = make_registry(config, [LocalMediaChannel, CoordinatorsChat], env=PASSWORD)
        specs, problems = load_campaigns(config)
        assert not problems, problems
        [campaign] = sync_campaigns(store, specs).values()
        [story] = add_stories(store, 1)
        now = dt.datetime.now(dt.UTC)
        [number] = add_publications(store, campaign, [story], "press",
                                    slot=now - dt.timedelta(minutes=1))
        service = Service(config, store, registry)
        assert service.run_once(timeout=60).published == 1
        assert publication(store, number).status == "published"
        paper = next(m for m in smtp.messages if m["To"] == "editor@example.org")
        radio = next(m for m in smtp.messages if m["To"] == "radio@example.org")
        other = imap.deliver(unrelated_letter())
        imap.deliver(postfix_dsn(paper))

        # A coordinator reads the mailbox on demand, in Russian.
        said = cli_run(config_file, "ru", "press", "bounces").output
        assert said.startswith(
            f"Публикация № {number} не удалась: письмо для «Миасский рабочий» вернулось "
            "недоставленным: такого адреса нет (почтовый сервер ответил: 550 5.1.1 <…>: "
            "Recipient address rejected: User unknown in local recipient table); исправьте "
            "адрес редакции (email) в config.toml")
        assert "editor@example.org" not in said
        row = publication(store, number)
        assert row.status == "failed" and "«Миасский рабочий»" in (row.last_error or "")
        listed = cli_run(config_file, "ru", "publications", "list", "--status", "failed").output
        assert "письмо для «Миасский рабочий» вернулось" in listed
        shown = cli_run(config_file, "ru", "publications", "show", str(number)).output
        assert "такого адреса нет" in shown
        with language("ru"):
            assert service.tell_news() == 1
        [card] = CoordinatorsChat.cards
        assert card.text.startswith(f"⚠️ Публикация № {number} («Story 1», канал местные СМИ) не "
                                    "удалась: письмо для «Миасский рабочий» вернулось")
        assert card.choices and "editor@example.org" not in card.text

        # Read again: nothing new, nothing told twice; the neighbour's letter stays unread.
        again = cli_run(config_file, "ru", "press", "bounces").output
        assert again == "Новых вернувшихся писем нет.\n"
        assert "\\Seen" not in imap.letter(other).flags

        # The radio's letter comes back too, found by `outreach run`'s own job, in English.
        imap.deliver(qmail_failure(radio))
        caplog.set_level(logging.WARNING)
        with language("en"):  # the service's language (the CLI above set Russian)
            service.scheduled_returns()
        row = publication(store, number)
        assert "“Радио Миасс” came back undelivered: the mailbox is full (the mail server " \
               "said: 552 5.2.2 Mailbox quota exceeded)" in (row.last_error or "")
        assert "«Миасский рабочий»" in (row.last_error or "")  # both outlets to correct
        assert "came back undelivered" in caplog.text and "Радио Миасс" in caplog.text
        assert "@example.org" not in caplog.text
        with language("en"):
            assert service.tell_news() == 1
        assert CoordinatorsChat.cards[-1].text.startswith(
            f"⚠️ Publication no. {number} (“Story 1”, channel ")
        assert "“Радио Миасс” came back undelivered" in CoordinatorsChat.cards[-1].text
        shown = cli_run(config_file, "en", "publications", "show", str(number)).output
        assert "“Радио Миасс” came back undelivered: the mailbox is full" in shown

        assert service.read_returns().recorded == []
        assert service.tell_news() == 0
        with store.session() as session:
            from sqlmodel import select

            tries = session.exec(select(PublicationAttempt).where(
                PublicationAttempt.publication_id == number)).all()
        assert [t.outcome for t in tries] == ["published", "permanent", "permanent"]
        assert len(smtp.messages) == 2  # reading sends nothing
    finally:
        store.dispose()
