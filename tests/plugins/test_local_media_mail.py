"""Press kits e-mailed to editors: a real SMTP server (aiosmtpd) on 127.0.0.1 receives them."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from PIL import Image

from outreach.channels import AuthError, PermanentError, Post, PostPhoto, TransientError
from outreach.errors import PluginError
from outreach.i18n import language
from outreach_local_media import LocalMediaChannel
from outreach_testing import make_registry, make_test_config

CENTRE = {"name": "Серебряные волонтёры", "phone": "+7 351 200-00-00",
          "email": "info@example.org", "contact_person": "Анна Петрова"}
REFUSED = "closed@example.org"
OUTLETS = [{"name": "Миасский рабочий", "email": "editor@example.org"},
           {"name": "Радио Миасс", "email": "radio@example.org"}, "Пенсионный фонд, Миасс"]
CODES = {"Миасский рабочий": {"short_code": "MIA-3", "link": None},
         "Радио Миасс": {"short_code": "RAD-1", "link": None}}


@dataclass
class Inbox:
    """What the SMTP server accepted; ``hold`` keeps DATA waiting (a slow server)."""

    messages: list[EmailMessage] = field(default_factory=list)
    hold: float = 0.0
    in_data: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if address == REFUSED:  # RFC 5321 4.2.2: 550 for a mailbox that is not there
            return "550 5.1.1 <closed@example.org>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import asyncio

        # The server has the letter before it answers: a client that dies while waiting
        # for the answer cannot know the letter is on its way.
        self.messages.append(email.message_from_bytes(
            envelope.original_content, policy=email.policy.default))  # type: ignore[arg-type]
        self.in_data.set()
        await asyncio.sleep(self.hold)
        return "250 Message accepted for delivery"


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    import socket

    with socket.socket() as probe:  # aiosmtpd's start() connects to its port: name one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


def make_channel(tmp_path: Path, port: int, **settings: object) -> LocalMediaChannel:
    section = {"plugin": "local-media", "outlets": OUTLETS, "smtp_server": "127.0.0.1",
               "smtp_port": port, "smtp_tls": "none", "mail_from": "press@silver.example.org",
               **settings}
    config = make_test_config(tmp_path, {"press": section}, centre=CENTRE)
    made = make_registry(config, [LocalMediaChannel]).get("press")
    assert isinstance(made, LocalMediaChannel)
    return made


def post(tmp_path: Path, key: str = "outreach-12-abc") -> Post:
    """The post of publication N for the key "outreach-N-…"."""
    folder = tmp_path / "renditions"
    folder.mkdir(exist_ok=True)
    photos = []
    for index in (1, 2):
        path = folder / f"{index}.jpg"
        Image.effect_noise((600, 400), 60).convert("RGB").save(path, "JPEG", quality=95)
        photos.append(PostPhoto(path=path, caption=f"Снимок {index}", credit="Фото: И. Сидоров"))
    return Post(publication_id=int(key.split("-")[1]), idempotency_key=key,
                title="Сад добра в Миассе",
                text="t", photos=photos, municipality="Миасс", referral_code="s3NcwrKmwEbq",
                extra={"body": "Волонтёры посадили 40 яблонь.", "event_date": "2026-10-14",
                       "story_folder": "sad-dobra", "outlet_codes": CODES})


def attachments(message: EmailMessage) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


def test_each_outlet_with_an_address_gets_its_own_release_once(
        tmp_path: Path, inbox: tuple[Inbox, int]) -> None:
    box, port = inbox
    channel = make_channel(tmp_path, port)
    with language("ru"):
        published = channel.publish(post(tmp_path))
    assert sorted(str(m["To"]) for m in box.messages) == ["editor@example.org",
                                                          "radio@example.org"]
    paper = next(m for m in box.messages if m["To"] == "editor@example.org")
    assert paper["Subject"] == "Пресс-релиз: Сад добра в Миассе"
    assert paper["Message-ID"] == "<outreach-12-abc.miasskiy-rabochiy@silver.example.org>"
    assert paper["From"] == "press@silver.example.org"
    files = attachments(paper)
    assert sorted(files) == [
        "2026-10-14-sad-dobra-01.jpg", "2026-10-14-sad-dobra-02.jpg",
        "2026-10-14-sad-dobra-press-release.docx", "2026-10-14-sad-dobra-press-release.pdf",
        "2026-10-14-sad-dobra-radio.txt", "2026-10-14-sad-dobra-tv.txt"]
    kit = tmp_path / "output" / "press" / published.external_id
    photo = "2026-10-14-sad-dobra-01.jpg"
    assert files[photo] == (kit / photo).read_bytes()  # full quality: byte for byte
    assert files["2026-10-14-sad-dobra-press-release.pdf"] == \
        (kit / "miasskiy-rabochiy" / "release.pdf").read_bytes()
    body = paper.get_body(("plain",)).get_content()
    assert "назовите код MIA-3" in body and "RAD-1" not in body and "s3Ncwr" not in body
    radio = next(m for m in box.messages if m["To"] == "radio@example.org")
    assert "назовите код RAD-1" in radio.get_body(("plain",)).get_content()

    # Published again (a retry, a restart): nothing is sent twice.
    again = make_channel(tmp_path, port)
    assert again.publish(post(tmp_path)) == published
    assert again.reconcile(post(tmp_path), dt.datetime.now(dt.UTC)).exists is True
    assert len(box.messages) == 2


def test_a_refused_address_is_reported_and_the_others_still_get_theirs(
        tmp_path: Path, inbox: tuple[Inbox, int], caplog: pytest.LogCaptureFixture) -> None:
    box, port = inbox
    outlets = [{"name": "Закрытая газета", "email": REFUSED}, OUTLETS[1]]
    channel = make_channel(tmp_path, port, outlets=outlets)
    with pytest.raises(PermanentError) as raised:
        channel.publish(post(tmp_path))
    message = str(raised.value)
    assert "Закрытая газета" in message and "550" in message
    assert REFUSED not in message and REFUSED not in caplog.text  # addresses stay out of logs
    assert "Закрытая газета" in caplog.text
    assert [m["To"] for m in box.messages] == ["radio@example.org"]
    # A coordinator retries: the refused one is tried again, the one sent is not.
    with pytest.raises(PermanentError):
        channel.publish(post(tmp_path))
    assert len(box.messages) == 1


def test_photos_beyond_the_budget_stay_out_and_are_named(
        tmp_path: Path, inbox: tuple[Inbox, int]) -> None:
    box, port = inbox
    channel = make_channel(tmp_path, port, outlets=[OUTLETS[0]], mail_budget_mb=1)
    channel.mailer.budget = 400_000  # type: ignore[union-attr]  (a small budget, in bytes)
    with language("ru"):
        channel.publish(post(tmp_path))
    [letter] = box.messages
    names = sorted(attachments(letter))
    assert "2026-10-14-sad-dobra-press-release.docx" in names
    assert "2026-10-14-sad-dobra-02.jpg" not in names
    assert "2026-10-14-sad-dobra-02.jpg" in letter.get_body(("plain",)).get_content()


def test_a_server_that_cannot_be_reached_is_retried_later(tmp_path: Path) -> None:
    channel = make_channel(tmp_path, 1)  # nothing listens on port 1
    with pytest.raises(TransientError, match="cannot reach the mail server 127.0.0.1:1"):
        channel.publish(post(tmp_path))
    journal = channel.records.get("mail:outreach-12-abc")
    assert journal is not None
    assert journal["outlets"]["Миасский рабочий"]["state"] == "not-sent"
    # Not sent for sure: reconcile lets the engine send it again.
    assert channel.reconcile(post(tmp_path), dt.datetime.now(dt.UTC)).exists is False


def test_an_address_without_a_server_is_a_config_error(tmp_path: Path) -> None:
    config = make_test_config(tmp_path, {"press": {"plugin": "local-media",
                                                   "outlets": [OUTLETS[0]]}})
    registry = make_registry(config, [LocalMediaChannel])
    with pytest.raises(PluginError, match="smtp_server is not set"):
        registry.get("press")
    assert registry.status("press").state == "init-failed"
    bad = make_test_config(tmp_path, {"press": {"plugin": "local-media", "outlets": [
        {"name": "Газета", "email": "not an address"}]}})
    status = make_registry(bad, [LocalMediaChannel]).status("press")
    assert status.state == "config-error" and "is not an e-mail address" in status.reason


def test_an_interrupted_send_is_uncertain_never_sent_twice(
        tmp_path: Path, inbox: tuple[Inbox, int]) -> None:
    """The process dies while the server holds DATA (see test_local_media_kill for a
    real kill -9): the journal says ``sending``, so reconcile cannot tell."""
    box, port = inbox
    channel = make_channel(tmp_path, port, outlets=[OUTLETS[0]])
    from outreach_local_media import mail

    journal = mail.Journal(channel.records, "outreach-12-abc")
    channel.publish(post(tmp_path))
    journal.record("Миасский рабочий", mail.SENDING, "<x@y>")  # as a crash leaves it
    verdict = channel.reconcile(post(tmp_path), dt.datetime.now(dt.UTC))
    assert verdict.exists is None
    assert len(box.messages) == 1
    # Asked again, it still cannot tell: nothing is sent by reconcile.
    assert channel.reconcile(post(tmp_path), dt.datetime.now(dt.UTC)).exists is None
    # A person found it did not arrive (`publications resolve --not-posted`): sent again,
    # with the same Message-ID, by which a mail program recognises a repeat.
    channel.publish(post(tmp_path))
    assert [m["Message-ID"] for m in box.messages] == [
        "<outreach-12-abc.miasskiy-rabochiy@silver.example.org>"] * 2
    assert channel.reconcile(post(tmp_path), dt.datetime.now(dt.UTC)).exists is True


@pytest.mark.slow
def test_kill_9_while_the_server_holds_the_letter_ends_uncertain_and_sends_once(
        tmp_path: Path, inbox: tuple[Inbox, int]) -> None:
    """A real `outreach run` is killed (SIGKILL) while the SMTP server holds DATA; the
    server then accepts the letter. The next run cannot know that: uncertain, no resend."""
    import signal
    import subprocess

    import sqlalchemy as sa
    from project_support import (
        PAST,
        ROOT,
        Project,
        Worker,
        add_publications,
        add_stories,
        campaign_ids,
        outreach_command,
        wait_for,
        write_campaign,
    )

    from outreach.db import open_store
    from outreach.db.models import Publication

    box, port = inbox
    box.hold = 3.0
    section = {"plugin": "local-media", "outlets": [OUTLETS[0]], "smtp_server": "127.0.0.1",
               "smtp_port": port, "smtp_tls": "none", "mail_from": "press@silver.example.org"}
    config = make_test_config(tmp_path, {"press": section}, centre=CENTRE,
                              top={"database_url": f"sqlite:///{tmp_path / 'o.db'}"})
    config.campaigns_dir.mkdir(parents=True, exist_ok=True)
    project = Project(tmp_path, config, open_store(config.database_url))
    write_campaign(project, "c", PAST, channels=("press",))
    [publication] = add_publications(project.store, campaign_ids(project)["c"],
                                     add_stories(project.store, 1), "press")

    worker = Worker(project, "killed")
    try:
        wait_for(lambda: box.in_data.is_set() or worker.process.poll() is not None, 60,
                 "the letter to reach DATA")
        assert box.in_data.is_set(), worker.output
    finally:
        worker.stop(signal.SIGKILL)
    assert worker.process.returncode == -signal.SIGKILL
    assert len(box.messages) == 1

    after = subprocess.run([*outreach_command(project, "run", "--once")], cwd=ROOT,
                           capture_output=True, text=True, timeout=120, check=False)
    assert after.returncode == 0, after.stderr
    with project.store.engine.connect() as connection:
        status, error = connection.execute(sa.select(
            Publication.__table__.c.status, Publication.__table__.c.last_error).where(
            Publication.__table__.c.id == publication)).one()
    assert status == "uncertain", (status, error, after.stderr)
    assert len(box.messages) == 1  # never e-mailed twice
    assert box.messages[0]["Message-ID"].endswith(".miasskiy-rabochiy@silver.example.org>")



PASSWORD = "s3cret-Pass-123"


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                   auth_data: Any) -> Any:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"press" \
        and auth_data.password == PASSWORD.encode()
    # handled=False: aiosmtpd then answers 535 itself (AuthResult's default sends nothing).
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def guarded() -> Iterator[tuple[Inbox, int]]:
    """A server that wants a login (over plain SMTP on loopback, for the test only)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=port, authenticator=_authenticator,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_password_comes_from_its_variable_and_is_never_shown(
        tmp_path: Path, guarded: tuple[Inbox, int], caplog: pytest.LogCaptureFixture) -> None:
    box, port = guarded
    settings = {"plugin": "local-media", "outlets": [OUTLETS[0]], "smtp_server": "127.0.0.1",
                "smtp_port": port, "smtp_tls": "none", "smtp_user": "press",
                "smtp_password_env": "PRESS_SMTP_PASSWORD", "mail_from": "press@example.org"}
    config = make_test_config(tmp_path, {"press": settings}, centre=CENTRE)
    good = make_registry(config, [LocalMediaChannel], env={"PRESS_SMTP_PASSWORD": PASSWORD})
    channel = good.get("press")
    assert [r.ok for r in channel.check()] == [True, True]
    assert "e-mail to 1 outlet goes through 127.0.0.1" in channel.check()[1].message
    channel.publish(post(tmp_path))
    assert len(box.messages) == 1

    wrong = make_registry(config, [LocalMediaChannel], env={"PRESS_SMTP_PASSWORD": "nope"})
    other = wrong.get("press")
    [_, mail_check] = other.check()
    assert not mail_check.ok and "refused the login" in mail_check.message
    with pytest.raises(AuthError, match="refused the login"):
        other.publish(post(tmp_path, key="outreach-13-def"))
    unset = make_registry(config, [LocalMediaChannel], env={}).get("press")
    with pytest.raises(AuthError, match="PRESS_SMTP_PASSWORD"):
        unset.publish(post(tmp_path, key="outreach-14-ghi"))
    assert len(box.messages) == 1
    assert PASSWORD not in caplog.text and "nope" not in caplog.text
    assert PASSWORD not in (tmp_path / "config.toml").read_text()
