"""A small IMAP4rev1 server on 127.0.0.1 for the bounce-reading tests (RFC 3501).

It models only what the reader uses, each as RFC 3501 says: the greeting
(7.1.1), CAPABILITY (6.1.1, 7.2.1), LOGIN (6.2.3; a wrong password answers NO
with the [AUTHENTICATIONFAILED] code of RFC 5530 3), SELECT (6.3.1; EXISTS,
FLAGS, UIDVALIDITY and UIDNEXT, then [READ-WRITE]; a missing folder answers NO
[NONEXISTENT], RFC 5530 3), UID (6.4.8) with SEARCH (6.4.4) of the keys ALL,
UNSEEN, SEEN, SINCE (the internal date, time and zone disregarded) and UID with
a sequence set (9: ``n``, ``n:m``, ``n:*``, comma-separated; ``n:*`` always
takes in the last UID, even when n is higher, 6.4.8), all of them ANDed; FETCH
of a sequence set with the items UID, FLAGS, INTERNALDATE (7.4.2 date-time),
BODY[], BODY.PEEK[], BODY[HEADER], BODY.PEEK[HEADER] and RFC822, the message
texts as literals ``{n}`` (6.4.5, 7.4.2; BODY[...] and RFC822 set \\Seen, the
.PEEK forms do not); STORE +FLAGS (6.4.6, answered with an untagged FETCH of the
new flags), NOOP (6.1.2) and LOGOUT (6.1.3, BYE first). Anything else is
answered BAD (7.1.5). Letters are never expunged. ``fetched`` lists each
(UID, item) sent, so a test counts what a reader downloaded.

With a server TLS context it speaks TLS as a mail provider does: ``tls="ssl"``
from the first byte (implicit TLS, RFC 8314 3.2, port 993 in life), or
``tls="starttls"``: CAPABILITY lists STARTTLS until the session is encrypted,
and STARTTLS (RFC 3501 6.2.1) answers OK, then the TLS negotiation begins;
``require_tls`` refuses LOGIN before it (RFC 3501 6.2.3: NO, and the
capability LOGINDISABLED, 7.2.1).
"""

from __future__ import annotations

import datetime as dt
import re
import socket
import socketserver
import ssl
import threading
from dataclasses import dataclass, field

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class Letter:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)
    #: When the server took it in (RFC 3501 2.3.3), what SINCE compares.
    arrived: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def header(self) -> bytes:
        """The header and the blank line after it (RFC 3501 6.4.5 BODY[HEADER])."""
        ends = [at for at in (self.raw.find(b"\r\n\r\n"), self.raw.find(b"\n\n")) if at >= 0]
        if not ends:
            return self.raw
        end = min(ends)
        return self.raw[:end] + (b"\r\n\r\n" if self.raw[end:end + 2] == b"\r\n" else b"\n\n")


@dataclass
class Mailbox:
    """The folders of one account; ``down`` makes every connection close at once."""

    user: str
    password: str
    folders: dict[str, list[Letter]] = field(default_factory=lambda: {"INBOX": []})
    uidvalidity: int = 1
    down: bool = False
    commands: list[str] = field(default_factory=list)
    fetched: list[tuple[int, str]] = field(default_factory=list)  # (UID, item) sent
    lock: threading.Lock = field(default_factory=threading.Lock)

    def deliver(self, raw: bytes, folder: str = "INBOX", *, flags: set[str] | None = None,
                arrived: dt.datetime | None = None) -> int:
        with self.lock:
            letters = self.folders.setdefault(folder, [])
            uid = max((letter.uid for letter in letters), default=0) + 1
            letter = Letter(uid, raw, set(flags or ()))
            if arrived is not None:
                letter.arrived = arrived
            letters.append(letter)
            return uid

    def renumber(self, uidvalidity: int, folder: str = "INBOX") -> None:
        """The folder rebuilt: new UIDVALIDITY, UIDs given anew from 1 (RFC 3501 2.3.1.1)."""
        with self.lock:
            self.uidvalidity = uidvalidity
            for number, letter in enumerate(self.folders[folder], start=1):
                letter.uid = number

    def letter(self, uid: int, folder: str = "INBOX") -> Letter:
        return next(letter for letter in self.folders[folder] if letter.uid == uid)


_TOKEN = re.compile(rb'"((?:[^"\\]|\\.)*)"|(\([^)]*\))|([^\s()"]+(?:\[[^\]]*\])?)')


def _arguments(line: bytes) -> list[str]:
    """The arguments of a command line: atoms, quoted strings (RFC 3501 4.3), lists."""
    found = []
    for quoted, listed, atom in _TOKEN.findall(line):
        if quoted or (not listed and not atom):
            found.append(re.sub(rb"\\(.)", rb"\1", quoted).decode())
        else:
            found.append((listed or atom).decode())
    return found


class _Session(socketserver.StreamRequestHandler):
    server: _Server

    def send(self, line: str | bytes) -> None:
        data = line.encode() if isinstance(line, str) else line
        self.wfile.write(data + b"\r\n")

    def capabilities(self, encrypted: bool) -> str:
        offered = ["IMAP4rev1"]
        if self.server.tls == "starttls" and not encrypted:
            offered.append("STARTTLS")
            if self.server.require_tls:
                offered.append("LOGINDISABLED")
        return " ".join(offered)

    def start_tls(self) -> None:
        """Encrypt the session from here on (RFC 3501 6.2.1: after the tagged OK)."""
        assert self.server.context is not None
        self.wfile.flush()
        self.connection = self.server.context.wrap_socket(self.connection, server_side=True)
        self.rfile = self.connection.makefile("rb")
        self.wfile = self.connection.makefile("wb", buffering=0)

    def handle(self) -> None:
        box = self.server.box
        if box.down:
            return  # the connection closes before the greeting
        encrypted = self.server.tls == "ssl"
        self.send(f"* OK [CAPABILITY {self.capabilities(encrypted)}] fake IMAP ready")
        selected: str | None = None
        logged_in = False
        while True:
            line = self.rfile.readline()
            if not line:
                return
            tag, _space, rest = line.rstrip(b"\r\n").partition(b" ")
            words = _arguments(rest)
            if not words:
                self.send(tag + b" BAD empty command")
                continue
            command = words[0].upper()
            with box.lock:
                box.commands.append(command if command != "UID" else
                                    f"UID {words[1].upper()}" if len(words) > 1 else command)
            if command == "CAPABILITY":
                self.send(f"* CAPABILITY {self.capabilities(encrypted)}")
                self.send(tag + b" OK CAPABILITY completed")
            elif command == "STARTTLS" and self.server.tls == "starttls" and not encrypted:
                self.send(tag + b" OK Begin TLS negotiation now")
                try:
                    self.start_tls()
                except (ssl.SSLError, OSError):
                    return  # the client gave up (it does not trust the certificate)
                encrypted = True
            elif command == "LOGIN" and self.server.require_tls and not encrypted:
                self.send(tag + b" NO [PRIVACYREQUIRED] Use STARTTLS first.")
            elif command == "NOOP":
                self.send(tag + b" OK NOOP completed")
            elif command == "LOGOUT":
                self.send("* BYE logging out")
                self.send(tag + b" OK LOGOUT completed")
                return
            elif command == "LOGIN" and len(words) == 3:
                if words[1] == box.user and words[2] == box.password:
                    logged_in = True
                    self.send(tag + b" OK LOGIN completed")
                else:
                    self.send(tag + b" NO [AUTHENTICATIONFAILED] Authentication failed.")
            elif not logged_in:
                self.send(tag + b" BAD log in first")
            elif command == "SELECT" and len(words) == 2:
                if words[1] not in box.folders:
                    self.send(tag + b" NO [NONEXISTENT] No such mailbox")
                    continue
                selected = words[1]
                letters = box.folders[selected]
                self.send(f"* {len(letters)} EXISTS")
                self.send("* 0 RECENT")
                self.send("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)")
                self.send(f"* OK [UIDVALIDITY {box.uidvalidity}] UIDs valid")
                self.send(f"* OK [UIDNEXT {max((m.uid for m in letters), default=0) + 1}]")
                self.send(tag + b" OK [READ-WRITE] SELECT completed")
            elif command == "UID" and selected is not None and len(words) >= 3:
                self.uid(tag, selected, words[1].upper(), words[2:])
            else:
                self.send(tag + b" BAD command unknown or arguments invalid")

    def uid(self, tag: bytes, folder: str, command: str, args: list[str]) -> None:
        box = self.server.box
        with box.lock:
            letters = list(box.folders[folder])
        numbers = {letter.uid: number for number, letter in enumerate(letters, start=1)}
        last = max(numbers, default=0)
        if command == "SEARCH":
            found = _search(letters, args, last)
            if found is None:
                self.send(tag + b" BAD search key not supported here")
                return
            self.send(" ".join(["* SEARCH", *(str(m.uid) for m in found)]))
            self.send(tag + b" OK SEARCH completed")
        elif command == "FETCH" and len(args) == 2:
            uids = _sequence_set(args[0], last)
            items = args[1].strip("()").upper().split()
            if uids is None or not items or any(item not in ITEMS for item in items):
                self.send(tag + b" BAD fetch item not supported here")
                return
            for letter in letters:  # a UID that does not exist fetches nothing (6.4.8)
                if letter.uid in uids:
                    self.fetch(numbers[letter.uid], letter, items)
            self.send(tag + b" OK FETCH completed")
        elif command == "STORE" and len(args) == 3 and args[0].isdigit() \
                and args[1].upper() == "+FLAGS":
            flags = args[2].strip("()").split()
            for letter in letters:
                if letter.uid == int(args[0]):
                    letter.flags.update(flags)
                    self.send(f"* {numbers[letter.uid]} FETCH (UID {letter.uid} FLAGS "
                              f"({' '.join(sorted(letter.flags))}))")
            self.send(tag + b" OK STORE completed")
        else:
            self.send(tag + b" BAD UID command not supported here")

    def fetch(self, number: int, letter: Letter, items: list[str]) -> None:
        box = self.server.box
        # The UID is always sent in answer to UID FETCH (6.4.8); texts last, as literals.
        parts: list[bytes] = [f"UID {letter.uid}".encode()]
        texts: list[tuple[str, bytes]] = []
        for item in items:
            if item in ("BODY[]", "BODY[HEADER]", "RFC822"):
                letter.flags.add("\\Seen")  # 6.4.5: fetching the text sets \Seen
            if item == "FLAGS":
                parts.append(f"FLAGS ({' '.join(sorted(letter.flags))})".encode())
            elif item == "INTERNALDATE":
                at = letter.arrived
                parts.append(f'INTERNALDATE "{at.day:02d}-{MONTHS[at.month - 1]}-'
                             f'{at:%Y %H:%M:%S %z}"'.encode())
            elif item != "UID":
                name = item.replace(".PEEK", "")
                texts.append((name, letter.header() if "HEADER" in item else letter.raw))
            with box.lock:
                box.fetched.append((letter.uid, item))
        line = f"* {number} FETCH (".encode() + b" ".join(parts)
        for name, text in texts:
            self.wfile.write(line + f" {name} {{{len(text)}}}\r\n".encode())
            self.wfile.write(text)
            line = b""
        self.send(line + b")")


ITEMS = ("UID", "FLAGS", "INTERNALDATE", "BODY[]", "BODY.PEEK[]", "BODY[HEADER]",
         "BODY.PEEK[HEADER]", "RFC822")


def _sequence_set(text: str, last: int) -> set[int] | None:
    """The UIDs a sequence set names (RFC 3501 9); ``*`` is the last UID (6.4.8)."""
    found: set[int] = set()
    for piece in text.split(","):
        ends = [last if end == "*" else int(end) if end.isdigit() else -1
                for end in piece.split(":")]
        if len(ends) > 2 or min(ends) < 0:
            return None
        found.update(range(min(ends), max(ends) + 1))
    return found


def _search(letters: list[Letter], args: list[str], last: int) -> list[Letter] | None:
    """The letters matching all of the keys ``args`` (6.4.4), or None for an unknown key."""
    found = list(letters)
    words = list(args)
    while words:
        key = words.pop(0).upper()
        if key == "ALL":
            continue
        if key in ("UNSEEN", "SEEN"):
            found = [m for m in found if ("\\Seen" in m.flags) == (key == "SEEN")]
        elif key == "SINCE" and words:
            try:
                day, month, year = words.pop(0).split("-")
                since = dt.date(int(year), MONTHS.index(month.title()) + 1, int(day))
            except ValueError:
                return None
            found = [m for m in found if m.arrived.date() >= since]
        elif key == "UID" and words:
            uids = _sequence_set(words.pop(0), last)
            if uids is None:
                return None
            found = [m for m in found if m.uid in uids]
        else:
            return None
    return found


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, box: Mailbox, context: ssl.SSLContext | None, tls: str,
                 require_tls: bool) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.box = box
        self.context = context
        self.tls = tls
        self.require_tls = require_tls

    def get_request(self) -> tuple[socket.socket, object]:
        connection, address = super().get_request()
        if self.tls == "ssl":
            assert self.context is not None
            # A client that does not trust the certificate breaks off here: an OSError,
            # which socketserver takes as no request.
            connection = self.context.wrap_socket(connection, server_side=True)
        return connection, address


class FakeIMAP:
    """``with FakeIMAP(box) as port: ...`` serves ``box`` on 127.0.0.1:port; with a
    server ``context``, over TLS (``tls``: "ssl" or "starttls", see the module's text)."""

    def __init__(self, box: Mailbox, context: ssl.SSLContext | None = None,
                 tls: str = "none", *, require_tls: bool = False) -> None:
        assert (context is None) == (tls == "none"), "TLS needs a context, and only TLS"
        self.server = _Server(box, context, tls, require_tls)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> int:
        self.thread.start()
        return int(self.server.server_address[1])

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
