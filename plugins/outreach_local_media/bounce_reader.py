"""Reading e-mails to editors that came back, from the mailbox of ``mail_from``.

Letters are found by when they arrived, not by whether someone has opened them:
the press volunteer often reads the same mailbox, and a bounce read first in a
mail program must count all the same. Each round asks for the letters that
arrived within the bounce window (``window_start``: from the oldest day a
letter went out within the last ``mail.BOUNCE_WINDOW_DAYS`` days) with UIDs
above the last one looked at, which is kept per folder with the folder's
UIDVALIDITY; when that changes, the whole window is looked at again. Only the
headers are fetched first (flags left as they were); a letter that may be a
bounce is read whole. A bounce of one of our letters (``bounces.read_bounce``,
matched by Message-ID against the mail journal) is passed to the core, which
fails the publication once per bounce and tells the coordinators; then the
journal marks the outlet's letter ``bounced`` with the status and the server's
words, and only then is the bounce marked seen, if nobody had read it. A bounce
looked at again (a crash in between, the window read anew) tells nothing twice.

Everything else (people's letters, editors' replies, bounces of letters that are
not ours, notices of mere delay) keeps its flags for a person; nothing is ever
deleted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from outreach.channels import N_, AuthError, CheckResult, Returned, TransientError, _
from outreach_local_media import mail
from outreach_local_media.bounces import Bounce, may_be_bounce, read_bounce
from outreach_local_media.mailbox import (
    BATCH,
    DEFAULT_PORTS,
    Heading,
    Mailbox,
    MailboxDown,
    MailboxRefused,
    MailboxServer,
)

if TYPE_CHECKING:
    from outreach.channels import Channel, Records

log = logging.getLogger("outreach.local_media.mail")
#: A bounce that arrived this long before its letter was last sent is about an earlier
#: sending (the letter was corrected and sent again); the margin allows for clocks.
CLOCK_MARGIN = dt.timedelta(minutes=2)


def reader_for(channel: Channel) -> BounceReader:
    """The reader of ``channel``'s mailbox, from its imap_* settings (smtp_* by default).

    Raises AuthError when no login is set or the password's variable is not.
    """
    settings = channel.settings
    tls = settings["imap_tls"]
    user = settings.get("imap_user") or settings.get("smtp_user")
    if not user:
        raise AuthError(_("channel {channel}: set imap_user (or smtp_user), the login at "
                          "the mailbox bounced e-mails come to").format(channel=channel.name))
    key = "smtp_password_env" if settings.get("smtp_password_env") \
        and not settings.get("imap_password_env") else "imap_password_env"
    server = MailboxServer(host=settings["imap_server"],
                           port=settings.get("imap_port") or DEFAULT_PORTS[tls], tls=tls,
                           user=user, password=channel.secret(key),
                           folder=settings["imap_folder"])
    return BounceReader(channel, server, key)


def window_start(records: Records, today: dt.date) -> dt.date | None:
    """The first day a bounce that still matters may have arrived on: the oldest day a
    letter went out within the bounce window; None when none went out in it."""
    oldest = today - dt.timedelta(days=mail.BOUNCE_WINDOW_DAYS)
    note = records.get(mail.SENT_DAYS)
    if note is None or str(note.get("since") or "") > oldest.isoformat():
        return oldest  # letters sent before the note was begun are not in it
    days = [str(day) for day in note.get("days") or [] if str(day) >= oldest.isoformat()]
    return dt.date.fromisoformat(min(days)) if days else None


def meaning(status: str) -> str:
    """What a permanent failure's RFC 3463 status code says, in the reader's words: the
    usual codes exactly, the others by their subject (3.1 to 3.8: "5.4.x" is routing),
    and a refusal all the same when the server gave no code or one unknown."""
    exact = {"5.1.1": _("there is no such address"),
             "5.1.2": _("there is no such mail domain; look for a typo after @"),
             "5.1.10": _("there is no such address"),
             "5.2.1": _("the mailbox is closed"),
             "5.2.2": _("the mailbox is full"),
             "5.2.3": _("the letter is too big for that mailbox; lower mail_budget_mb"),
             "5.3.4": _("the letter is too big for that mailbox; lower mail_budget_mb")}
    if status in exact:
        return exact[status]
    subjects = {
        "1": N_("the address is not right"),
        "2": N_("the editors' mailbox does not take letters now"),
        "3": N_("the editors' mail system cannot take the letter"),
        "4": N_("the letter found no way to the editors' mail server; check the address "
                "after @"),
        "5": N_("the mail servers could not agree how to deliver it"),
        "6": N_("the editors' mail server does not take the letter's content"),
        "7": N_("the editors' mail server refused it (a spam filter or a rule of theirs)"),
    }
    refused = N_("the editors' mail server refused it for good")
    subject = status.split(".")[1] if status.count(".") == 2 else ""
    return _(subjects.get(subject, refused))


@dataclass
class BounceReader:
    channel: Channel
    server: MailboxServer
    password_setting: str  # the setting that names the password's variable

    @property
    def _progress_key(self) -> str:
        return f"bounces-read:{self.server.folder}"[:200]

    def read(self, record: Callable[[Returned], None]) -> int:
        """Pass each new bounce of our letters to ``record``; how many were passed."""
        start = window_start(self.channel.records, dt.datetime.now(dt.UTC).date())
        if start is None:
            return 0  # no letter went out within the window: nothing of ours can come back
        passed = 0
        try:
            with Mailbox(self.server) as box:
                progress = self.channel.records.get(self._progress_key) or {}
                after = int(progress.get("uid") or 0) \
                    if progress.get("uidvalidity") == box.uidvalidity else 0
                # A day earlier: the server dates a letter's arrival in its own time zone.
                uids = box.arrived(start - dt.timedelta(days=1), after)
                for count, heading in enumerate(box.headings(uids), start=1):
                    if may_be_bounce(heading.header) and self._take(box, heading, record):
                        passed += 1
                    if count % BATCH == 0:
                        self._remember(box, heading.uid)
                if uids:
                    self._remember(box, uids[-1])
        except MailboxDown as exc:
            raise TransientError(_("bounced e-mails are not read now: {reason}").format(
                reason=exc)) from None
        except MailboxRefused as exc:
            raise AuthError(_("bounced e-mails cannot be read: {reason}; {fix}").format(
                reason=exc, fix=self._fix(exc))) from None
        return passed

    def _take(self, box: Mailbox, heading: Heading, record: Callable[[Returned], None]) -> bool:
        """Read the letter of ``heading``; pass it on if it is a new bounce of ours."""
        raw = box.read(heading.uid)
        bounce = read_bounce(raw) if raw is not None else None
        found = self._letter(bounce) if bounce is not None else None
        if bounce is None or found is None:
            return False
        journal, outlet, mid = found
        entry = journal.entries[outlet]
        if entry.get("state") == mail.BOUNCED:  # told already (a crash before marking it)
            if not heading.seen:
                box.mark_seen(heading.uid)
            return False
        if entry.get("state") == mail.SENT and heading.arrived is not None and \
                heading.arrived < _moment(entry.get("at")) - CLOCK_MARGIN:
            return False  # about an earlier sending of a letter sent again since
        record(self._returned(bounce, journal, outlet, mid))
        self._note(bounce, journal, outlet, mid)
        if not heading.seen:  # a bounce a person has read stays as they left it
            box.mark_seen(heading.uid)
        return True

    def _remember(self, box: Mailbox, uid: int) -> None:
        self.channel.records.put(self._progress_key,
                                 {"uidvalidity": box.uidvalidity, "uid": uid})

    def check(self) -> CheckResult:
        """Whether the mailbox takes the login and has the folder (nothing is read)."""
        try:
            with Mailbox(self.server):
                pass
        except MailboxDown as exc:
            return CheckResult(ok=False, message=_("bounced e-mails: {reason}").format(
                reason=exc), fix=_("check imap_server, imap_port and imap_tls (993 with ssl, "
                                   "143 with starttls)"))
        except MailboxRefused as exc:
            return CheckResult(ok=False, message=_("bounced e-mails: {reason}").format(
                reason=exc), fix=self._fix(exc))
        return CheckResult(ok=True, message=_(
            "e-mails that come back are read from {server}, folder {folder}").format(
            server=f"{self.server.host}:{self.server.port}", folder=self.server.folder))

    def _letter(self, bounce: Bounce) -> tuple[mail.Journal, str, str] | None:
        """(journal, outlet, Message-ID) of our letter that ``bounce`` names, if any."""
        for mid in bounce.message_ids:
            key = mail.idempotency_key_of(mid)
            if key is None:
                continue
            journal = mail.Journal(self.channel.records, key)
            for outlet, entry in journal.entries.items():
                if entry.get("message_id") == mid:
                    return journal, outlet, mid
        return None

    def _fix(self, refused: MailboxRefused) -> str:
        if refused.setting == "certificate":
            return _("write imap_server in [channels.{channel}] of config.toml as the mail "
                     "provider gives it (its certificate is made for that name); if it is "
                     "right, the network between may be intercepted: ask whoever runs "
                     "it").format(channel=self.channel.name)
        if refused.setting == "imap_user":
            return _("correct imap_user in [channels.{channel}] of config.toml or the "
                     "password in the environment variable {variable} (named by "
                     "{setting})").format(channel=self.channel.name,
                                          variable=self.channel.settings.get(
                                              self.password_setting),
                                          setting=self.password_setting)
        return _("correct {setting} in [channels.{channel}] of config.toml").format(
            setting=refused.setting, channel=self.channel.name)

    def _returned(self, bounce: Bounce, journal: mail.Journal, outlet: str,
                  mid: str) -> Returned:
        reason = _("the e-mail to “{outlet}” came back undelivered: {meaning} (the mail "
                   "server said: {said}); correct the outlet's email in config.toml, then "
                   "`outreach publications retry`: letters that arrived are not sent "
                   "again").format(outlet=outlet, meaning=meaning(bounce.status),
                                   said=_said(bounce) or "—")
        digest = hashlib.sha256(f"{mid}|{bounce.identity}".encode()).hexdigest()[:40]
        return Returned(idempotency_key=journal.key.removeprefix("mail:"),
                        key=f"bounce:{digest}", reason=reason)

    def _note(self, bounce: Bounce, journal: mail.Journal, outlet: str, mid: str) -> None:
        detail = _said(bounce)
        journal.record(outlet, mail.BOUNCED, mid, detail)
        log.warning(_("The press kit e-mail to {outlet} (channel {channel}) came back "
                      "undelivered: {meaning} (the mail server said: {said})").format(
            outlet=outlet, channel=self.channel.name, meaning=meaning(bounce.status),
            said=detail or "—"))


def _moment(text: object) -> dt.datetime:
    """A journal entry's moment; long ago when it has none."""
    try:
        at = dt.datetime.fromisoformat(str(text))
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def _said(bounce: Bounce) -> str:
    """The status and the server's words, the status once ("5.1.1 user unknown")."""
    if bounce.status and bounce.status in bounce.diagnostic:
        return bounce.diagnostic
    return " ".join(part for part in (bounce.status, bounce.diagnostic) if part)
