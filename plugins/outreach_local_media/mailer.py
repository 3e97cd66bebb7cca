"""Sending a written press kit to each outlet that has an e-mail address, once.

Each outlet gets its own release (its folder in the kit: DOCX, PDF, radio
text, TV note, printing its own code) and the photos, within the size budget.
What is sent is recorded in the ``mail.Journal`` first; a repeat publish skips
letters already sent, and ``settle`` (reconcile after a crash) tells whether
every letter is accounted for.

Refusals (5xx) are reported, not retried by themselves: the kit stays, the
other outlets get theirs, and the publication fails with the outlet and the
server's words, so a coordinator sees it in ``outreach publications list``
and can correct the address and retry (letters already sent are not sent again).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from outreach.channels import (
    AuthError,
    CheckResult,
    PermanentError,
    TransientError,
    _,
    ngettext,
    pgettext,
)
from outreach_local_media import mail
from outreach_local_media.presskit import DOCUMENTS, kit_name

if TYPE_CHECKING:
    from email.message import EmailMessage

    from outreach.channels import Channel, Post
    from outreach_local_media.presskit import Kit

log = logging.getLogger("outreach.local_media.mail")


@dataclass
class Mailer:
    channel: Channel
    host: str
    port: int
    tls: str
    sender: str
    budget: int  # bytes of attachments per letter
    emails: dict[str, str] = field(default_factory=dict)  # outlet -> address

    def _journal(self, post: Post) -> mail.Journal:
        return mail.Journal(self.channel.records, post.idempotency_key)

    def _server(self) -> mail.Server:
        user = self.channel.settings.get("smtp_user")
        password = (self.channel.secret("smtp_password_env")
                    if self.channel.settings.get("smtp_password_env") else None)
        return mail.Server(self.host, self.port, self.tls, user, password)

    def send_kit(self, post: Post, kit: Kit) -> None:
        """E-mail each outlet its release; raise when one could not be sent."""
        journal = self._journal(post)
        refused: list[str] = []
        server: mail.Server | None = None
        for outlet, address in self.emails.items():
            state = journal.state(outlet)
            if state == mail.SENT:
                continue
            mid = mail.message_id(post.idempotency_key, outlet, self.sender)
            if state == mail.SENDING:  # another attempt is sending it, or died doing so
                raise PermanentError(self._unclear(outlet))
            server = server or self._server()
            letter = self._letter(post, kit, outlet, address, mid)
            journal.record(outlet, mail.SENDING, mid)
            try:
                reply = mail.send(server, letter)
            except mail.Refused as exc:
                journal.record(outlet, mail.REFUSED, mid, str(exc))
                log.warning(_("Press kit e-mail to {outlet} (channel {channel}) was refused: "
                              "{reason}").format(outlet=outlet, channel=self.channel.name,
                                                 reason=exc))
                refused.append(_("{outlet}: {reason}").format(outlet=outlet, reason=exc))
                continue
            except mail.LoginRefused as exc:
                journal.record(outlet, mail.NOT_SENT, mid, str(exc))
                raise AuthError(_("{reason}; correct smtp_user in config.toml or the password "
                                  "in the variable that smtp_password_env names").format(
                    reason=exc)) from None
            except mail.NotSent as exc:
                journal.record(outlet, mail.NOT_SENT, mid, str(exc))
                raise TransientError(_("e-mail to {outlet} not sent yet: {reason}").format(
                    outlet=outlet, reason=exc)) from None
            except mail.Uncertain as exc:
                journal.record(outlet, mail.UNCERTAIN, mid, str(exc))
                raise PermanentError(self._unclear(outlet) + f" ({exc})") from None
            journal.record(outlet, mail.SENT, mid, reply)
            log.info(_("Press kit e-mailed to {outlet} (channel {channel}), Message-ID "
                       "{mid}").format(outlet=outlet, channel=self.channel.name, mid=mid))
        if refused:
            raise PermanentError(_(
                "the press kit is written, but e-mail was refused for {outlets}; correct the "
                "address in config.toml, then `outreach publications retry`: letters already "
                "sent are not sent again").format(outlets="; ".join(refused)))

    def check(self) -> CheckResult:
        """Whether the mail server takes the connection and the login (nothing is sent)."""
        where = f"{self.host}:{self.port}"
        try:
            mail.probe(self._server())
        except (mail.NotSent, mail.LoginRefused) as exc:
            return CheckResult(ok=False, message=_("e-mail to editors: {reason}").format(
                reason=exc), fix=_("check smtp_server, smtp_port and smtp_tls (465 with ssl, "
                                   "587 with starttls), smtp_user and the password"))
        except AuthError as exc:  # the password's variable is not set
            return CheckResult(ok=False, message=str(exc),
                               fix=_("set the variable before starting Outreach"))
        return CheckResult(ok=True, message=ngettext(
            "e-mail to {count} outlet goes through {server}",
            "e-mail to {count} outlets goes through {server}", len(self.emails)).format(
            count=len(self.emails), server=where))

    def _unclear(self, outlet: str) -> str:
        return _("the e-mail to {outlet} was being sent when the work was interrupted; it may "
                 "have arrived. Ask the editors, then `outreach publications resolve` "
                 "(--posted if it arrived, --not-posted to send it again)").format(outlet=outlet)

    def settle(self, post: Post) -> bool | None:
        """After a crash: True when every letter is accounted for (sent), False when some
        are still to send, None when one may or may not have gone out (then marked so)."""
        journal = self._journal(post)
        unclear = [outlet for outlet in self.emails if journal.state(outlet) == mail.SENDING]
        for outlet in unclear:
            entry = journal.entries[outlet]
            journal.record(outlet, mail.UNCERTAIN, str(entry.get("message_id")),
                           _("interrupted while sending"))
            log.error(self._unclear(outlet))
        if unclear:
            return None
        if any(journal.state(outlet) == mail.UNCERTAIN for outlet in self.emails):
            return None
        return all(journal.state(outlet) == mail.SENT for outlet in self.emails)

    def _letter(self, post: Post, kit: Kit, outlet: str, address: str, mid: str
                ) -> EmailMessage:
        folder = kit.folder / str(kit.manifest.get("outlet_folders", {}).get(outlet, ""))
        base = kit_name(post)
        names = {folder / DOCUMENTS["docx"]: f"{base}-press-release.docx",
                 folder / DOCUMENTS["pdf"]: f"{base}-press-release.pdf",
                 folder / DOCUMENTS["radio"]: f"{base}-radio.txt",
                 folder / DOCUMENTS["tv"]: f"{base}-tv.txt"}
        photos = [kit.folder / name for name in kit.manifest.get("photos", [])]
        release = (folder / DOCUMENTS["txt"]).read_text(encoding="utf-8")
        body = _("Hello! We send you a press release for {outlet}: «{title}». Attached: the "
                 "release (Word and PDF), a text for radio, a note for television and photos "
                 "in full quality. Questions: the contact for the press below.").format(
            outlet=outlet, title=post.title)
        letter, left_out = mail.compose(
            sender=self.sender, to=address, mid=mid,
            subject=f"{pgettext('press kit heading', 'Press release')}: {post.title}",
            body=body + "\n\n" + release, attachments=list(names), photos=photos,
            budget=self.budget, names=names)
        if left_out:
            log.info(ngettext("E-mail to {outlet}: {count} photo left out to stay within "
                              "mail_budget_mb",
                              "E-mail to {outlet}: {count} photos left out to stay within "
                              "mail_budget_mb", len(left_out)).format(
                outlet=outlet, count=len(left_out)))
        return letter
