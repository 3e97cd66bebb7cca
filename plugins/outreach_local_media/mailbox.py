"""Reading the sender's mailbox by IMAP (RFC 3501) for e-mails that came back.

Only what bounce reading needs: log in, open the folder (its UIDVALIDITY,
RFC 3501 2.3.1.1, comes with SELECT, 7.1), list the letters that arrived since
a day with UIDs above a given one (``UID SEARCH UID n:* SINCE d-Mon-yyyy``,
6.4.4, 6.4.8), fetch their flags, arrival and headers in batches
(``FLAGS INTERNALDATE BODY.PEEK[HEADER]``, 6.4.5), read a whole letter
(``BODY.PEEK[]``) and mark it seen (``UID STORE +FLAGS (\\Seen)``, 6.4.6). The
.PEEK forms leave \\Seen as it was, so reading changes no letter's flags.
Nothing is ever deleted or moved.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import imaplib
import re
import ssl
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType

from outreach.channels import _
from outreach_local_media.mail import hide_addresses

TIMEOUT = 60.0  # seconds for each IMAP reply
DEFAULT_PORTS = {"ssl": 993, "starttls": 143, "none": 143}
BATCH = 100  # letters' headers per FETCH: one round trip each, a short command line
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_UID = re.compile(rb"\bUID (\d+)")
_FLAGS = re.compile(rb"\bFLAGS \(([^)]*)\)")
_ARRIVED = re.compile(rb'\bINTERNALDATE " ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) '
                      rb'([+-]\d\d)(\d\d)"')


@dataclass(frozen=True)
class MailboxServer:
    host: str
    port: int
    tls: str  # one of mail.TLS_MODES
    user: str
    password: str
    folder: str


@dataclass(frozen=True)
class Heading:
    """What is learnt of a letter without reading it: its flags, arrival and header."""

    uid: int
    seen: bool
    arrived: dt.datetime | None  # the server's INTERNALDATE (RFC 3501 2.3.3)
    header: bytes


class MailboxDown(Exception):  # noqa: N818  (the mailbox's state, not a bug)
    """The mailbox cannot be reached or broke off: worth trying again later."""


class MailboxRefused(Exception):  # noqa: N818
    """The mailbox refused the login or has no such folder: a setting to correct."""

    def __init__(self, message: str, setting: str) -> None:
        super().__init__(message)
        self.setting = setting


class Mailbox:
    """One session with the mailbox: ``with Mailbox(server) as box: ...``."""

    def __init__(self, server: MailboxServer) -> None:
        self.server = server
        self._imap: imaplib.IMAP4 | None = None
        #: The folder's UIDVALIDITY (RFC 3501 2.3.1.1): its UIDs keep their meaning while
        #: it stays the same.
        self.uidvalidity = ""

    def __enter__(self) -> Mailbox:
        server = self.server
        try:
            if server.tls == "ssl":
                imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    server.host, server.port, ssl_context=ssl.create_default_context(),
                    timeout=TIMEOUT)
            else:
                imap = imaplib.IMAP4(server.host, server.port, timeout=TIMEOUT)
        except ssl.SSLCertVerificationError as exc:
            raise _untrusted(server, exc) from None
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MailboxDown(_("cannot reach the mailbox {host}:{port}: {reason}").format(
                host=server.host, port=server.port, reason=_reason(exc))) from None
        self._imap = imap
        try:
            if server.tls == "starttls":
                try:
                    imap.starttls(ssl_context=ssl.create_default_context())
                except ssl.SSLCertVerificationError as exc:
                    raise _untrusted(server, exc) from None
            try:
                imap.login(server.user, server.password)
            except imaplib.IMAP4.abort:
                raise
            except imaplib.IMAP4.error as exc:
                raise MailboxRefused(_("the mailbox {host} refused the login ({reason})").format(
                    host=server.host, reason=_reason(exc)), "imap_user") from None
            kind, data = imap.select(_quoted(server.folder))
            if kind != "OK":
                raise MailboxRefused(_("the mailbox has no folder {folder!r} ({reason})").format(
                    folder=server.folder, reason=_said(data)), "imap_folder")
            _kind, said = imap.response("UIDVALIDITY")
            values = [item for item in said if isinstance(item, bytes)]
            self.uidvalidity = values[-1].decode("ascii", "replace") if values else ""
        except MailboxRefused:
            self._close()
            raise
        except (OSError, imaplib.IMAP4.error) as exc:
            self._close()
            raise MailboxDown(_("the mailbox {host} broke off: {reason}").format(
                host=server.host, reason=_reason(exc))) from None
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._close()

    def arrived(self, since: dt.date, after: int = 0) -> list[int]:
        """The UIDs above ``after`` of the letters that arrived on ``since`` or later,
        seen or not, oldest first."""
        day = f"{since.day}-{MONTHS[since.month - 1]}-{since.year}"  # RFC 3501 9 date
        criteria = ("UID", f"{after + 1}:*", "SINCE", day) if after else ("SINCE", day)
        data = self._call("SEARCH", *criteria)
        # "n:*" takes in the last UID even when it is below n (6.4.8): hence the filter.
        return sorted(uid for line in data if isinstance(line, bytes)
                      for uid in map(int, line.split()) if uid > after)

    def headings(self, uids: Sequence[int]) -> Iterator[Heading]:
        """The headings of ``uids``, in batches, leaving every flag as it was."""
        for start in range(0, len(uids), BATCH):
            batch = uids[start:start + BATCH]
            data = self._call("FETCH", ",".join(map(str, batch)),
                              "(UID FLAGS INTERNALDATE BODY.PEEK[HEADER])")
            found = {heading.uid: heading for heading in _headings(data)}
            yield from (found[uid] for uid in batch if uid in found)

    def read(self, uid: int) -> bytes | None:
        """The whole letter ``uid``, its flags left as they were; None when it is gone."""
        data = self._call("FETCH", str(uid), "(BODY.PEEK[])")
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                return bytes(item[1])
        return None

    def mark_seen(self, uid: int) -> None:
        self._call("STORE", str(uid), "+FLAGS", "(\\Seen)")

    def _call(self, command: str, *args: str) -> list[bytes | tuple[bytes, bytes] | None]:
        if self._imap is None:
            raise MailboxDown(_("the mailbox is not open"))
        try:
            kind, data = self._imap.uid(command, *args)
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MailboxDown(_("the mailbox {host} broke off: {reason}").format(
                host=self.server.host, reason=_reason(exc))) from None
        if kind != "OK":
            raise MailboxDown(_("the mailbox {host} did not do {command}: {reason}").format(
                host=self.server.host, command=command, reason=_said(data)))
        return list(data)

    def _close(self) -> None:
        imap, self._imap = self._imap, None
        if imap is None:
            return
        try:
            imap.logout()
        except (OSError, imaplib.IMAP4.error):
            # A connection that broke off (a TLS negotiation given up) may be closed
            # already: nothing left to close then.
            with contextlib.suppress(OSError):
                imap.shutdown()


def _headings(data: Sequence[object]) -> Iterator[Heading]:
    """The headings in a FETCH answer as imaplib gives it: per letter, a (text before the
    literal, literal) pair and the text after it (``)``, or more items)."""
    text, header = b"", b""
    for item in [*data, None]:
        part = item[0] if isinstance(item, tuple) else item
        if item is None or (isinstance(part, bytes) and re.match(rb"\d+ \(", part)):
            uid = _UID.search(text)
            if uid is not None and header:
                flags = _FLAGS.search(text)
                seen = flags is not None and b"\\seen" in flags.group(1).lower().split()
                yield Heading(int(uid.group(1)), seen, _arrival(text), header)
            text, header = b"", b""
        if isinstance(item, tuple) and len(item) == 2:
            text += bytes(item[0])
            header = bytes(item[1])
        elif isinstance(item, bytes):
            text += item


def _arrival(text: bytes) -> dt.datetime | None:
    """The INTERNALDATE in ``text`` (RFC 3501 9 date-time), in UTC."""
    found = _ARRIVED.search(text)
    if found is None or found.group(2).decode().title() not in MONTHS:
        return None
    day, month, year, hour, minute, second, zone_hours, zone_minutes = found.groups()
    sign = -1 if zone_hours.startswith(b"-") else 1
    zone = dt.timezone(sign * dt.timedelta(hours=abs(int(zone_hours)),
                                           minutes=int(zone_minutes)))
    try:
        at = dt.datetime(int(year), MONTHS.index(month.decode().title()) + 1, int(day),
                         int(hour), int(minute), int(second), tzinfo=zone)
    except ValueError:
        return None
    return at.astimezone(dt.UTC)


def _untrusted(server: MailboxServer, exc: ssl.SSLCertVerificationError) -> MailboxRefused:
    """The certificate was refused before the password went out: a name to correct (the
    provider's certificate is made for the name it gives), or a connection intercepted."""
    return MailboxRefused(_(
        "the mailbox {host} showed a certificate this computer does not trust (OpenSSL "
        "said: {detail})").format(host=server.host,
                                  detail=exc.verify_message or _reason(exc)), "certificate")


def _quoted(folder: str) -> str:
    """A folder name as an IMAP quoted string (RFC 3501 4.3) when it is not a plain atom."""
    if re.fullmatch(r"[A-Za-z0-9_./-]+", folder):
        return folder
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _said(data: Sequence[object]) -> str:
    text = b" ".join(item for item in data if isinstance(item, bytes))
    return hide_addresses(text.decode("utf-8", "replace")) or "—"


def _reason(exc: BaseException) -> str:
    text = str(exc)
    if text.startswith("b'") or text.startswith('b"'):  # imaplib shows the server's bytes
        text = text[2:-1]
    return hide_addresses(text or type(exc).__name__)
