"""A small IMAP4rev1 server on 127.0.0.1 for the bounce-reading tests (RFC 3501).

It models only what the reader uses, each as RFC 3501 says: the greeting
(7.1.1), CAPABILITY (6.1.1, 7.2.1), LOGIN (6.2.3; a wrong password answers NO
with the [AUTHENTICATIONFAILED] code of RFC 5530 3), SELECT (6.3.1; EXISTS,
FLAGS, UIDVALIDITY and UIDNEXT, then [READ-WRITE]; a missing folder answers NO
[NONEXISTENT], RFC 5530 3), UID (6.4.8) with SEARCH UNSEEN (6.4.4), FETCH of
BODY[], BODY.PEEK[] and RFC822 as literals ``{n}`` (6.4.5, 7.4.2; BODY[] and
RFC822 set \\Seen, BODY.PEEK[] does not), STORE +FLAGS (6.4.6, answered with
an untagged FETCH of the new flags), NOOP (6.1.2) and LOGOUT (6.1.3, BYE first).
Anything else is answered BAD (7.1.5). Letters are never expunged.
"""

from __future__ import annotations

import re
import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Letter:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)


@dataclass
class Mailbox:
    """The folders of one account; ``down`` makes every connection close at once."""

    user: str
    password: str
    folders: dict[str, list[Letter]] = field(default_factory=lambda: {"INBOX": []})
    uidvalidity: int = 1
    down: bool = False
    commands: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def deliver(self, raw: bytes, folder: str = "INBOX") -> int:
        with self.lock:
            letters = self.folders.setdefault(folder, [])
            uid = max((letter.uid for letter in letters), default=0) + 1
            letters.append(Letter(uid, raw))
            return uid

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

    def handle(self) -> None:
        box = self.server.box
        if box.down:
            return  # the connection closes before the greeting
        self.send("* OK [CAPABILITY IMAP4rev1] fake IMAP ready")
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
                self.send("* CAPABILITY IMAP4rev1")
                self.send(tag + b" OK CAPABILITY completed")
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
        if command == "SEARCH" and [a.upper() for a in args] == ["UNSEEN"]:
            found = [str(m.uid) for m in letters if "\\Seen" not in m.flags]
            self.send(" ".join(["* SEARCH", *found]))
            self.send(tag + b" OK SEARCH completed")
        elif command == "FETCH" and len(args) == 2 and args[0].isdigit():
            item = args[1].strip("()").upper()
            wanted = [m for m in letters if m.uid == int(args[0])]
            if item not in ("BODY[]", "BODY.PEEK[]", "RFC822"):
                self.send(tag + b" BAD fetch item not supported here")
                return
            for letter in wanted:  # a UID that does not exist fetches nothing (6.4.8)
                if item != "BODY.PEEK[]":
                    letter.flags.add("\\Seen")
                name = "RFC822" if item == "RFC822" else "BODY[]"
                self.send(f"* {numbers[letter.uid]} FETCH (UID {letter.uid} {name} "
                          f"{{{len(letter.raw)}}}".encode())
                self.wfile.write(letter.raw)
                self.send(b")")
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


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, box: Mailbox) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.box = box


class FakeIMAP:
    """``with FakeIMAP(box) as port: ...`` serves ``box`` on 127.0.0.1:port."""

    def __init__(self, box: Mailbox) -> None:
        self.server = _Server(box)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> int:
        self.thread.start()
        return int(self.server.server_address[1])

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
