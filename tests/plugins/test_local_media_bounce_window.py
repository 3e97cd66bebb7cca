"""Which letters of the mailbox the bounce reader looks at: those that arrived within
the bounce window, read or not, each once, and nothing older.

The press volunteer reads the same mailbox in a mail program, so a bounce may be
opened before Outreach looks. The IMAP fake (``imap_support``, RFC 3501) lists
every (UID, item) it sent, which is what these tests count.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from bounce_support import editor_reply, postfix_dsn, qmail_failure, unrelated_letter
from imap_support import Letter, Mailbox
from test_local_media_bounces import mailbox, sent
from test_local_media_mail import Inbox, inbox

from outreach.channels import FileRecords, Returned
from outreach_local_media import mail
from outreach_local_media.bounce_reader import window_start

__all__ = ["inbox", "mailbox"]  # the servers' fixtures

NOW = dt.datetime.now(dt.UTC)
HEADER = "BODY.PEEK[HEADER]"
WHOLE = "BODY.PEEK[]"


def fetched(imap: Mailbox, item: str) -> list[int]:
    return [uid for uid, what in imap.fetched if what == item]


def test_a_bounce_a_person_read_first_is_recorded_and_stays_as_they_left_it(
        tmp_path: Path, inbox: tuple[Inbox, int], mailbox: tuple[Mailbox, int]) -> None:
    imap, port = mailbox
    channel, paper = sent(tmp_path, inbox, port)
    other = imap.deliver(unrelated_letter())
    reply = imap.deliver(editor_reply(paper), flags={"\\Seen", "\\Answered"})
    dsn = imap.deliver(postfix_dsn(paper), flags={"\\Seen"})  # opened in a mail program
    passed: list[Returned] = []
    assert channel.read_returns(passed.append) == 1
    assert [r.idempotency_key for r in passed] == ["outreach-12-abc"]
    journal = channel.records.get("mail:outreach-12-abc")
    assert journal is not None and journal["outlets"]["Миасский рабочий"]["state"] == "bounced"
    # Nobody's flags changed: the bounce was read already, the rest are a person's.
    assert imap.letter(dsn).flags == {"\\Seen"}
    assert imap.letter(reply).flags == {"\\Seen", "\\Answered"}
    assert imap.letter(other).flags == set()
    assert "UID STORE" not in imap.commands
    # Headers of all three, the whole letter only of the one that may be a bounce.
    assert sorted(fetched(imap, HEADER)) == [other, reply, dsn]
    assert fetched(imap, WHOLE) == [dsn]
    assert {what for _uid, what in imap.fetched} <= {"UID", "FLAGS", "INTERNALDATE", HEADER,
                                                      WHOLE}


def test_a_bounce_read_twice_is_told_once(
        tmp_path: Path, inbox: tuple[Inbox, int], mailbox: tuple[Mailbox, int],
        caplog: pytest.LogCaptureFixture) -> None:
    imap, port = mailbox
    channel, paper = sent(tmp_path, inbox, port)
    dsn = imap.deliver(postfix_dsn(paper))
    caplog.set_level(logging.WARNING)
    passed: list[Returned] = []
    assert channel.read_returns(passed.append) == 1
    assert "\\Seen" in imap.letter(dsn).flags  # it was unseen: Outreach marks it read
    journal = channel.records.get("mail:outreach-12-abc")
    # The progress note lost (a restored backup, another worker): the window is read again.
    channel.records.put("bounces-read:INBOX", {})
    assert channel.read_returns(passed.append) == 0
    assert len(passed) == 1
    assert fetched(imap, WHOLE) == [dsn, dsn]
    assert channel.records.get("mail:outreach-12-abc") == journal  # not noted again
    assert caplog.text.count("came back undelivered") == 1
    # The next round looks at nothing it has looked at.
    before = len(imap.fetched)
    assert channel.read_returns(passed.append) == 0
    assert len(imap.fetched) == before


def test_a_changed_uidvalidity_reads_the_window_again(
        tmp_path: Path, inbox: tuple[Inbox, int], mailbox: tuple[Mailbox, int]) -> None:
    smtp, _port = inbox
    imap, port = mailbox
    channel, paper = sent(tmp_path, inbox, port)
    radio = next(m for m in smtp.messages if m["To"] == "radio@example.org")
    for _n in range(3):
        imap.deliver(unrelated_letter())
    imap.deliver(postfix_dsn(paper))
    passed: list[Returned] = []
    assert channel.read_returns(passed.append) == 1
    assert channel.records.get("bounces-read:INBOX") == {"uidvalidity": "1", "uid": 4}

    # The folder is rebuilt (moved to another server): the radio's bounce comes first
    # and gets UID 1, below the last UID looked at; the old UIDs mean nothing now.
    imap.folders["INBOX"].insert(0, Letter(0, qmail_failure(radio), {"\\Seen"}))
    imap.renumber(uidvalidity=7)
    imap.fetched.clear()
    assert channel.read_returns(passed.append) == 1
    assert [r.reason.split(" came back")[0] for r in passed] == [
        "the e-mail to “Миасский рабочий”", "the e-mail to “Радио Миасс”"]
    assert sorted(fetched(imap, HEADER)) == [1, 2, 3, 4, 5]
    assert channel.records.get("bounces-read:INBOX") == {"uidvalidity": "7", "uid": 5}
    assert imap.letter(1).flags == {"\\Seen"}


def test_a_bounce_outside_the_window_is_not_even_fetched(
        tmp_path: Path, inbox: tuple[Inbox, int], mailbox: tuple[Mailbox, int]) -> None:
    imap, port = mailbox
    channel, paper = sent(tmp_path, inbox, port)
    old = imap.deliver(postfix_dsn(paper), arrived=NOW - dt.timedelta(days=45))
    assert channel.read_returns(lambda returned: None) == 0
    assert imap.fetched == [] and imap.letter(old).flags == set()
    assert channel.records.get("mail:outreach-12-abc")["outlets"][  # type: ignore[index]
        "Миасский рабочий"]["state"] == "sent"


def test_years_of_old_mail_are_not_downloaded_on_the_first_round(
        tmp_path: Path, inbox: tuple[Inbox, int], mailbox: tuple[Mailbox, int]) -> None:
    imap, port = mailbox
    channel, paper = sent(tmp_path, inbox, port)
    for day in range(500):  # three years of the centre's mail, a bounce among them
        letter = postfix_dsn(paper) if day == 250 else unrelated_letter()
        imap.deliver(letter, arrived=NOW - dt.timedelta(days=40 + 2 * day))
    recent = [imap.deliver(unrelated_letter(), arrived=NOW - dt.timedelta(days=20)),
              imap.deliver(editor_reply(paper)), imap.deliver(postfix_dsn(paper))]
    assert channel.read_returns(lambda returned: None) == 1
    assert sorted(fetched(imap, HEADER)) == recent
    assert fetched(imap, WHOLE) == [recent[-1]]
    assert imap.commands.count("UID FETCH") == 2  # the headers in one batch, one letter
    assert all(not letter.flags for letter in imap.folders["INBOX"][:-1])


def test_a_long_quiet_channel_looks_back_only_to_its_oldest_letter_in_the_window(
        tmp_path: Path) -> None:
    records = FileRecords(tmp_path)
    today = dt.date(2026, 12, 2)
    assert window_start(records, today) == dt.date(2026, 11, 2)  # no note: the whole window
    records.put(mail.SENT_DAYS, {"since": "2026-06-01",
                                 "days": ["2026-10-20", "2026-11-20", "2026-11-27"]})
    assert window_start(records, today) == dt.date(2026, 11, 20)
    assert window_start(records, dt.date(2027, 1, 5)) is None  # nothing went out in 30 days
    records.put(mail.SENT_DAYS, {"since": "2026-11-25", "days": ["2026-11-27"]})
    # Kept only since 25 November: letters sent before it may be in the journal.
    assert window_start(records, today) == dt.date(2026, 11, 2)


def test_sending_notes_the_day_and_a_quiet_month_reads_nothing(
        tmp_path: Path, inbox: tuple[Inbox, int], mailbox: tuple[Mailbox, int]) -> None:
    imap, port = mailbox
    channel, _paper = sent(tmp_path, inbox, port)
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert channel.records.get(mail.SENT_DAYS) == {"since": today, "days": [today]}
    channel.records.put(mail.SENT_DAYS, {"since": "2020-01-01", "days": ["2020-02-03"]})
    assert channel.read_returns(lambda returned: None) == 0
    assert imap.commands == []  # not even a login: no letter of ours can come back


def test_a_bounce_of_an_earlier_sending_is_left_alone(
        tmp_path: Path, inbox: tuple[Inbox, int], mailbox: tuple[Mailbox, int]) -> None:
    """The address was corrected and the letter sent again after its bounce had come."""
    imap, port = mailbox
    channel, paper = sent(tmp_path, inbox, port)
    earlier = imap.deliver(postfix_dsn(paper), arrived=NOW - dt.timedelta(hours=3))
    assert channel.read_returns(lambda returned: None) == 0
    assert imap.letter(earlier).flags == set()
    assert channel.records.get("mail:outreach-12-abc")["outlets"][  # type: ignore[index]
        "Миасский рабочий"]["state"] == "sent"
