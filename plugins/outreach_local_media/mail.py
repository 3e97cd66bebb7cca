"""E-mailing a release to an outlet's editors by SMTP, once.

SMTP cannot be asked afterwards whether a message went out, so each outlet's
letter is recorded in a journal before it is sent (its stable Message-ID and
the state ``sending``) and after (``sent``, ``refused``, ``not-sent``). The
journal is the channel's durable note (``Records``: a row of the store under
``outreach run``, so a worker on another machine sees it too), committed
before the message is handed to the server. A crash leaves ``sending``
behind: the letter may or may not have been accepted, so reconcile marks it
``uncertain`` and the publication waits for a person rather than e-mailing
the editors twice.

The steps are taken one by one (MAIL, RCPT, DATA) so a refusal before DATA is
known not to have been sent; only a connection lost after DATA began is
uncertain.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outreach.channels import _, slugify

if TYPE_CHECKING:
    from outreach.channels import Records

TLS_MODES = ("ssl", "starttls", "none")
TIMEOUT = 60.0  # seconds for each SMTP reply
_ADDRESS = re.compile(r"[^\s<>@]+@[^\s<>@]+")

#: Days a letter's bounce is looked for: one that comes back later is not read (a mail
#: server gives up on a letter within 5 days; a month covers an Outreach that was off).
BOUNCE_WINDOW_DAYS = 30
#: The note of the days letters went out on, within the window: {"since": the day it was
#: begun, "days": [ISO dates]}; bounce reading looks no further back than its oldest day.
SENT_DAYS = "mail:sent-days"

# Journal states (stable identifiers, stored). ``bounced``: sent, then came back undelivered.
SENDING, SENT, REFUSED, NOT_SENT, UNCERTAIN = "sending", "sent", "refused", "not-sent", "uncertain"
BOUNCED = "bounced"


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    tls: str  # one of TLS_MODES
    user: str | None
    password: str | None


class Refused(Exception):  # noqa: N818  (the server's word, not a bug)
    """The server refused the letter for good (5xx): a wrong address, a full mailbox."""


class NotSent(Exception):  # noqa: N818
    """The letter surely did not go out (connection failed, 4xx): worth trying again."""


class LoginRefused(Exception):  # noqa: N818
    """The server refused smtp_user and the password: no letter can go until they are fixed."""


class Uncertain(Exception):  # noqa: N818
    """The connection broke after the letter was handed over: it may have arrived."""


def hide_addresses(text: str) -> str:
    """A server's reply with e-mail addresses left out (they are people's, at times)."""
    return _ADDRESS.sub("<…>", text)


def message_id(idempotency_key: str, outlet: str, sender: str) -> str:
    """The same Message-ID for an outlet's letter every time it is made."""
    domain = sender.rpartition("@")[2] or "outreach.invalid"
    return f"<{idempotency_key}.{slugify(outlet, 40)}@{domain}>"


def idempotency_key_of(mid: str) -> str | None:
    """The publication's key in a Message-ID ``message_id`` made, or None for another's."""
    local = mid.strip().removeprefix("<").removesuffix(">").rpartition("@")[0]
    key, dot, outlet = local.partition(".")
    return key if key and dot and outlet else None


def compose(*, sender: str, to: str, mid: str, subject: str, body: str,
            attachments: list[Path], photos: list[Path], budget: int,
            names: dict[Path, str] | None = None) -> tuple[EmailMessage, list[str]]:
    """The letter with the attachments and as many photos, in order, as fit ``budget``
    bytes; returns it with the names of the photos left out."""
    names = names or {}
    letter = EmailMessage()
    letter["From"] = sender
    letter["To"] = to
    letter["Subject"] = subject
    letter["Message-ID"] = mid
    letter["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    used = sum(path.stat().st_size for path in attachments)
    chosen = list(attachments)
    left_out: list[str] = []
    for photo in photos:
        size = photo.stat().st_size
        if used + size <= budget:
            chosen.append(photo)
            used += size
        else:
            left_out.append(names.get(photo, photo.name))
    if left_out:
        body += "\n\n" + _("Not attached, to keep the e-mail small (we will send them on "
                           "request): {files}").format(files=", ".join(left_out))
    letter.set_content(body)
    for path in chosen:
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        main, sub = kind.split("/", 1)
        letter.add_attachment(path.read_bytes(), maintype=main, subtype=sub,
                              filename=names.get(path, path.name))
    return letter, left_out


def _open(server: Server) -> smtplib.SMTP:
    """A connection to ``server``, encrypted as configured and logged in.

    Raises NotSent (cannot connect, a temporary refusal) or LoginRefused.
    """
    try:
        if server.tls == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
    except (OSError, smtplib.SMTPException) as exc:
        raise NotSent(_("cannot reach the mail server {host}:{port}: {reason}").format(
            host=server.host, port=server.port, reason=_reason(exc))) from None
    try:
        smtp.ehlo()
        if server.tls == "starttls":
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if server.user:
            smtp.login(server.user, server.password or "")
    except smtplib.SMTPAuthenticationError as exc:
        _close(smtp)
        raise LoginRefused(_("the mail server {host} refused the login (smtp_user and the "
                             "password): {code}").format(host=server.host,
                                                         code=exc.smtp_code)) from None
    except (OSError, smtplib.SMTPException) as exc:
        _close(smtp)
        raise NotSent(_reason(exc)) from None
    return smtp


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def probe(server: Server) -> None:
    """Connect and log in, sending nothing (``outreach channels check``)."""
    _close(_open(server))


def send(server: Server, letter: EmailMessage) -> str:
    """Hand ``letter`` to ``server``; return its reply.

    Raises Refused, NotSent, LoginRefused or Uncertain.
    """
    sender, to = str(letter["From"]), str(letter["To"])
    smtp = _open(server)
    try:
        try:
            _expect(*smtp.mail(sender), what=_("the sender"))
            _expect(*smtp.rcpt(to), what=_("the address"))
        except (OSError, smtplib.SMTPException) as exc:
            raise NotSent(_reason(exc)) from None
        # From here on the server may keep the letter even if its answer never comes.
        try:
            code, reply = smtp.data(letter.as_bytes(policy=SMTP_POLICY))
        except smtplib.SMTPDataError as exc:  # DATA itself refused: nothing was handed over
            _expect(exc.smtp_code, exc.smtp_error, what=_("the letter"))
            raise NotSent(_reason(exc)) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise Uncertain(_reason(exc)) from None
        _expect(code, reply, what=_("the letter"))
        return f"{code} {_text(reply)}"
    finally:
        _close(smtp)


def _expect(code: int, reply: bytes | str, what: str) -> None:
    if 200 <= code < 300:
        return
    said = f"{code} {hide_addresses(_text(reply))}"
    if 500 <= code < 600:
        raise Refused(_("the mail server refused {what}: {reply}").format(what=what, reply=said))
    raise NotSent(_("the mail server put off {what}: {reply}").format(what=what, reply=said))


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {hide_addresses(_text(exc.smtp_error))}"
    return hide_addresses(str(exc) or type(exc).__name__)


class Journal:
    """What became of each outlet's letter for one publication (see the module's notes)."""

    def __init__(self, records: Records, idempotency_key: str) -> None:
        self.records = records
        self.key = f"mail:{idempotency_key}"
        found = records.get(self.key) or {}
        self.entries: dict[str, dict[str, Any]] = dict(found.get("outlets") or {})

    def state(self, outlet: str) -> str | None:
        entry = self.entries.get(outlet)
        return str(entry.get("state")) if entry else None

    def record(self, outlet: str, state: str, mid: str, detail: str = "") -> None:
        """Store ``state`` for ``outlet`` durably (committed before this returns)."""
        now = dt.datetime.now(dt.UTC)
        if state == SENDING:
            _note_day(self.records, now.date())
        self.entries[outlet] = {"state": state, "message_id": mid, "detail": detail,
                                "at": now.isoformat()}
        self.records.put(self.key, {"outlets": self.entries})


def _note_day(records: Records, today: dt.date) -> None:
    """Add ``today`` to the note of sending days (once a day), forgetting those past the
    bounce window."""
    note = records.get(SENT_DAYS) or {"since": today.isoformat(), "days": []}
    days = [str(day) for day in note.get("days") or []]
    if today.isoformat() in days:
        return
    oldest = (today - dt.timedelta(days=BOUNCE_WINDOW_DAYS)).isoformat()
    records.put(SENT_DAYS, {"since": str(note.get("since") or today.isoformat()),
                            "days": sorted(day for day in days if day >= oldest)
                            + [today.isoformat()]})
