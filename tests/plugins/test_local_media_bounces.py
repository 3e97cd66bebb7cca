"""E-mails to editors that came back: recognised, matched to our letters, read once.

A real IMAP server on 127.0.0.1 (``imap_support``, RFC 3501) holds the mailbox
of mail_from; the letters themselves went through aiosmtpd
(``test_local_media_mail``'s fixture).
"""

from __future__ import annotations

import logging
import re
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from bounce_support import SENDER, editor_reply, postfix_dsn, qmail_failure, unrelated_letter
from imap_support import FakeIMAP, Mailbox
from test_local_media_mail import CENTRE, OUTLETS, Inbox, inbox, make_channel, post

from outreach.channels import AuthError, Returned, TransientError
from outreach.i18n import language
from outreach_local_media import LocalMediaChannel
from outreach_local_media.bounces import read_bounce
from outreach_testing import make_registry, make_test_config

__all__ = ["inbox"]  # the SMTP server fixture, shared with the sending tests

PASSWORD = {"PRESS_MAIL_PASSWORD": "mailbox secret"}


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox(user=SENDER, password=PASSWORD["PRESS_MAIL_PASSWORD"])
    with FakeIMAP(box) as port:
        yield box, port


def reading_channel(tmp_path: Path, smtp: int, imap: int,
                    **settings: object) -> LocalMediaChannel:
    """The press channel of ``make_channel`` that also reads its mailbox on ``imap``."""
    section = {"plugin": "local-media", "outlets": OUTLETS, "smtp_server": "127.0.0.1",
               "smtp_port": smtp, "smtp_tls": "none", "mail_from": SENDER, "imap_user": SENDER,
               "imap_password_env": "PRESS_MAIL_PASSWORD", "imap_server": "127.0.0.1",
               "imap_port": imap, "imap_tls": "none", **settings}
    config = make_test_config(tmp_path, {"press": section}, centre=CENTRE)
    made = make_registry(config, [LocalMediaChannel], env=PASSWORD).get("press")
    assert isinstance(made, LocalMediaChannel)
    return made


def sent(tmp_path: Path, smtp: tuple[Inbox, int],
         imap: int) -> tuple[LocalMediaChannel, EmailMessage]:
    """A channel that read its mailbox, after it e-mailed the kit of publication 12."""
    box, port = smtp
    channel = reading_channel(tmp_path, port, imap)
    channel.publish(post(tmp_path))
    paper = next(m for m in box.messages if m["To"] == "editor@example.org")
    return channel, paper


# --- recognising -----------------------------------------------------------------------------


def original(mid: str = "<outreach-12-abc.miasskiy-rabochiy@silver.example.org>") -> EmailMessage:
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = "editor@example.org"
    message["Subject"] = "Пресс-релиз: Сад добра в Миассе"
    message["Message-ID"] = mid
    message.set_content("release")
    return message


def test_a_postfix_report_gives_the_letter_the_status_and_the_words_without_the_address(
        ) -> None:
    bounce = read_bounce(postfix_dsn(original()))
    assert bounce is not None
    assert bounce.message_ids == ("<outreach-12-abc.miasskiy-rabochiy@silver.example.org>",)
    assert bounce.status == "5.1.1"
    assert bounce.diagnostic == ("550 5.1.1 <…>: Recipient address rejected: User unknown in "
                                 "local recipient table")
    assert bounce.identity == "<20261202092230.3F1A2C0D4E@mail.silver.example.org>"


def test_a_delay_is_not_a_bounce() -> None:
    assert read_bounce(postfix_dsn(original(), action="delayed", status="4.4.1",
                                   diagnostic="smtp; 451 4.4.1 try again later")) is None


def test_qmails_failure_notice_is_known_by_the_pasted_message_id() -> None:
    bounce = read_bounce(qmail_failure(original()))
    assert bounce is not None
    assert bounce.message_ids == ("<outreach-12-abc.miasskiy-rabochiy@silver.example.org>",)
    assert (bounce.status, bounce.diagnostic) == ("5.2.2", "552 5.2.2 Mailbox quota exceeded")


def test_people_s_letters_are_not_bounces_even_when_they_answer_ours() -> None:
    assert read_bounce(editor_reply(original())) is None
    assert read_bounce(unrelated_letter()) is None


# --- reading the mailbox ---------------------------------------------------------------------


def test_a_bounce_is_passed_on_noted_and_marked_seen_and_other_mail_is_left_unseen(
        tmp_path: Path, inbox: tuple[Inbox, int], mailbox: tuple[Mailbox, int],
        caplog: pytest.LogCaptureFixture) -> None:
    imap, port = mailbox
    channel, paper = sent(tmp_path, inbox, port)
    other = imap.deliver(unrelated_letter())
    reply = imap.deliver(editor_reply(paper))
    dsn = imap.deliver(postfix_dsn(paper))
    caplog.set_level(logging.INFO)
    passed: list[Returned] = []
    with language("ru"):
        assert channel.read_returns(passed.append) == 1
    [returned] = passed
    assert returned.idempotency_key == "outreach-12-abc"
    assert returned.reason.startswith("письмо для «Миасский рабочий» вернулось недоставленным: "
                                      "такого адреса нет (почтовый сервер ответил: 550 5.1.1 "
                                      "<…>: Recipient address rejected")
    assert "editor@example.org" not in returned.reason + caplog.text
    assert "Миасский рабочий" in caplog.text and "5.1.1" in caplog.text
    journal = channel.records.get("mail:outreach-12-abc")
    assert journal is not None
    entry = journal["outlets"]["Миасский рабочий"]
    assert entry["state"] == "bounced" and entry["detail"].startswith("550 5.1.1 <…>: Recipient")
    assert journal["outlets"]["Радио Миасс"]["state"] == "sent"
    assert "\\Seen" in imap.letter(dsn).flags
    assert "\\Seen" not in imap.letter(other).flags  # a person reads it
    assert "\\Seen" not in imap.letter(reply).flags
    assert "UID STORE" in imap.commands and "UID SEARCH" in imap.commands

    # Read again: nothing new; and the letters looked at are not fetched again.
    fetched = imap.commands.count("UID FETCH")
    assert channel.read_returns(passed.append) == 0
    assert len(passed) == 1 and imap.commands.count("UID FETCH") == fetched


def test_a_retry_sends_only_the_letter_that_came_back(
        tmp_path: Path, inbox: tuple[Inbox, int], mailbox: tuple[Mailbox, int]) -> None:
    smtp, _port = inbox
    imap, port = mailbox
    channel, paper = sent(tmp_path, inbox, port)
    imap.deliver(postfix_dsn(paper))
    channel.read_returns(lambda returned: None)
    assert len(smtp.messages) == 2
    channel.publish(post(tmp_path))
    assert [m["To"] for m in smtp.messages[2:]] == ["editor@example.org"]


def test_a_bounce_not_recorded_stays_unseen_and_comes_again(
        tmp_path: Path, inbox: tuple[Inbox, int], mailbox: tuple[Mailbox, int]) -> None:
    imap, port = mailbox
    channel, paper = sent(tmp_path, inbox, port)
    dsn = imap.deliver(postfix_dsn(paper))

    def broken(returned: Returned) -> None:
        raise TransientError("the database is away")

    with pytest.raises(TransientError):
        channel.read_returns(broken)
    assert "\\Seen" not in imap.letter(dsn).flags
    passed: list[Returned] = []
    assert channel.read_returns(passed.append) == 1
    assert "\\Seen" in imap.letter(dsn).flags


def test_a_bounce_of_a_letter_that_is_not_ours_is_left_alone(
        tmp_path: Path, inbox: tuple[Inbox, int], mailbox: tuple[Mailbox, int]) -> None:
    imap, port = mailbox
    channel, _paper = sent(tmp_path, inbox, port)
    foreign = imap.deliver(postfix_dsn(original("<CAF=abc123@mail.gmail.com>")))
    ours_elsewhere = imap.deliver(postfix_dsn(original("<outreach-99-abc.gazeta@x.example>")))
    passed: list[Returned] = []
    assert channel.read_returns(passed.append) == 0
    assert not passed
    assert not imap.letter(foreign).flags and not imap.letter(ours_elsewhere).flags


def test_a_mailbox_that_is_down_is_a_transient_problem(
        tmp_path: Path, inbox: tuple[Inbox, int], mailbox: tuple[Mailbox, int]) -> None:
    imap, port = mailbox
    channel, _paper = sent(tmp_path, inbox, port)
    imap.down = True
    with pytest.raises(TransientError, match="bounced e-mails are not read now: "):
        channel.read_returns(lambda returned: None)
    nobody = reading_channel(tmp_path, inbox[1], 1)  # nothing listens on port 1
    with pytest.raises(TransientError, match="cannot reach the mailbox 127.0.0.1:1"):
        nobody.read_returns(lambda returned: None)


def test_a_wrong_password_or_folder_names_the_setting_to_correct(
        tmp_path: Path, inbox: tuple[Inbox, int], mailbox: tuple[Mailbox, int]) -> None:
    imap, port = mailbox
    imap.password = "another"
    channel = reading_channel(tmp_path, inbox[1], port)
    with pytest.raises(AuthError) as raised:
        channel.read_returns(lambda returned: None)
    said = str(raised.value)
    assert "refused the login" in said and "AUTHENTICATIONFAILED" in said
    assert "PRESS_MAIL_PASSWORD (named by imap_password_env)" in said
    assert "mailbox secret" not in said and "another" not in said
    imap.password = PASSWORD["PRESS_MAIL_PASSWORD"]
    folder = reading_channel(tmp_path, inbox[1], port, imap_folder="Bounces")
    with pytest.raises(AuthError, match="no folder 'Bounces'.*correct imap_folder"):
        folder.read_returns(lambda returned: None)


def test_without_imap_server_nothing_is_read(tmp_path: Path, inbox: tuple[Inbox, int]) -> None:
    channel = make_channel(tmp_path, inbox[1], outlets=OUTLETS)
    assert channel.capabilities.returns is False
    assert channel.read_returns(lambda returned: None) == 0
    assert reading_channel(tmp_path, inbox[1], 1).capabilities.returns is True


def test_channels_check_tries_the_mailbox_login(
        tmp_path: Path, inbox: tuple[Inbox, int], mailbox: tuple[Mailbox, int]) -> None:
    imap, port = mailbox
    channel = reading_channel(tmp_path, inbox[1], port)
    last = channel.check()[-1]
    assert last.ok and last.message == (
        f"e-mails that come back are read from 127.0.0.1:{port}, folder INBOX")
    assert imap.commands[-1] == "LOGOUT" and "UID FETCH" not in imap.commands
    imap.password = "another"
    refused = channel.check()[-1]
    assert not refused.ok and "refused the login" in refused.message
    assert refused.fix is not None and "PRESS_MAIL_PASSWORD" in refused.fix
    config = make_test_config(tmp_path, {"press": {
        "plugin": "local-media", "imap_server": "127.0.0.1", "imap_port": port,
        "imap_user": SENDER, "imap_password_env": "PRESS_MAIL_PASSWORD"}})
    unset = make_registry(config, [LocalMediaChannel], env={}).get("press").check()[-1]
    assert not unset.ok and "PRESS_MAIL_PASSWORD" in unset.message


# --- over TLS --------------------------------------------------------------------------------


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, made by the openssl command
    (OpenSSL is what Python's ssl module is built on; its command comes with it)."""
    openssl = shutil.which("openssl")
    assert openssl is not None, "the TLS tests make their certificate with the openssl command"
    cert, key = tmp_path / "imap-cert.pem", tmp_path / "imap-key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


@pytest.mark.parametrize("tls", ["ssl", "starttls"])
def test_a_bounce_is_read_over_tls_from_a_server_the_system_trusts(
        tls: str, tmp_path: Path, inbox: tuple[Inbox, int], certificate: tuple[Path, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The certificate is trusted as a provider's is: through the system's list of
    # authorities, which OpenSSL reads from SSL_CERT_FILE when it is set.
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    box = Mailbox(user=SENDER, password=PASSWORD["PRESS_MAIL_PASSWORD"])
    # With starttls, the server refuses a login before TLS: reading shows it encrypted.
    with FakeIMAP(box, server_context(certificate), tls, require_tls=True) as port:
        smtp, smtp_port = inbox
        channel = reading_channel(tmp_path, smtp_port, port, imap_tls=tls)
        assert channel.check()[-1].ok, channel.check()[-1].message
        channel.publish(post(tmp_path))
        paper = next(m for m in smtp.messages if m["To"] == "editor@example.org")
        dsn = box.deliver(postfix_dsn(paper))
        passed: list[Returned] = []
        assert channel.read_returns(passed.append) == 1
    [returned] = passed
    assert returned.idempotency_key == "outreach-12-abc"
    assert "there is no such address" in returned.reason
    assert "\\Seen" in box.letter(dsn).flags
    # Each session (the check's, the reading's) logged in over TLS only.
    assert box.commands.count("STARTTLS") == (2 if tls == "starttls" else 0)
    assert box.commands.count("LOGIN") == 2


@pytest.mark.parametrize("tls", ["ssl", "starttls"])
def test_a_certificate_the_system_does_not_trust_is_refused_and_said_so(
        tls: str, tmp_path: Path, inbox: tuple[Inbox, int], certificate: tuple[Path, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-authorities.pem"))
    box = Mailbox(user=SENDER, password=PASSWORD["PRESS_MAIL_PASSWORD"])
    with FakeIMAP(box, server_context(certificate), tls) as port:
        channel = reading_channel(tmp_path, inbox[1], port, imap_tls=tls)
        # Not a passing trouble: a person corrects the name or looks at the network.
        with pytest.raises(AuthError) as raised:
            channel.read_returns(lambda returned: None)
        with language("ru"):
            checked = channel.check()[-1]
    said = str(raised.value)
    assert "the mailbox 127.0.0.1 showed a certificate this computer does not trust" in said
    assert "(OpenSSL said: self-signed certificate)" in said
    assert "write imap_server in [channels.press] of config.toml as the mail provider" in said
    assert not checked.ok and checked.fix is not None
    assert "показал сертификат, которому этот компьютер не доверяет" in checked.message
    assert "imap_server" in checked.fix
    assert "LOGIN" not in box.commands  # the password never went out


# --- the reason, in the reader's words --------------------------------------------------------


@pytest.mark.parametrize(("status", "diagnostic", "russian"), [
    ("5.4.4", "smtp; 554 5.4.4 Host or domain name not found",
     "письмо не нашло дорогу к почтовому серверу редакции; проверьте адрес после @"),
    ("5.3.0", "x-unix; 550 5.3.0 mail system full",
     "почтовая система редакции не может принять письмо"),
    ("5.0.0", "smtp; 550 5.0.0 Rejected", "почтовый сервер редакции отказал окончательно"),
])
def test_the_reason_is_in_the_reader_s_words_and_the_server_s_are_quoted_as_such(
        status: str, diagnostic: str, russian: str, tmp_path: Path, inbox: tuple[Inbox, int],
        mailbox: tuple[Mailbox, int], caplog: pytest.LogCaptureFixture) -> None:
    imap, port = mailbox
    channel, paper = sent(tmp_path, inbox, port)
    imap.deliver(postfix_dsn(paper, status=status, diagnostic=diagnostic))
    caplog.set_level(logging.WARNING)
    passed: list[Returned] = []
    with language("ru"):
        assert channel.read_returns(passed.append) == 1
    [returned] = passed
    quoted = diagnostic.removeprefix("smtp; ").removeprefix("x-unix; ")
    assert returned.reason.startswith(
        f"письмо для «Миасский рабочий» вернулось недоставленным: {russian} (почтовый "
        f"сервер ответил: {quoted}); исправьте"), returned.reason
    # Outside the quote, the only Latin letters are names a person types as they are.
    outside = returned.reason.replace(f"(почтовый сервер ответил: {quoted})", "")
    for name in ("config.toml", "`outreach publications retry`", "(email)"):
        outside = outside.replace(name, "")
    assert not re.search(r"[A-Za-z]", outside), outside
    # The log quotes the server as such too.
    assert f"вернулось недоставленным: {russian} (почтовый сервер ответил: {quoted})" in \
        caplog.text


def test_the_english_reason_quotes_the_outlet_in_english(
        tmp_path: Path, inbox: tuple[Inbox, int], mailbox: tuple[Mailbox, int]) -> None:
    imap, port = mailbox
    channel, paper = sent(tmp_path, inbox, port)
    imap.deliver(postfix_dsn(paper, status="5.4.4",
                             diagnostic="smtp; 554 5.4.4 Host or domain name not found"))
    passed: list[Returned] = []
    assert channel.read_returns(passed.append) == 1
    assert passed[0].reason.startswith(
        "the e-mail to “Миасский рабочий” came back undelivered: the letter found no way to "
        "the editors' mail server; check the address after @ (the mail server said: 554 5.4.4 "
        "Host or domain name not found); correct")
