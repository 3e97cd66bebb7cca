"""Recognising an e-mail that came back undelivered, and which letter of ours it was.

The standard form is a delivery status notification (RFC 3464): a
``multipart/report; report-type=delivery-status`` whose ``message/delivery-status``
part gives, for each recipient, ``Action: failed``, a ``Status`` code (RFC 3463,
e.g. ``5.1.1``) and a ``Diagnostic-Code``, followed by the original letter
(``message/rfc822``) or its headers (``text/rfc822-headers``). Many servers still
send their own forms instead ("Undelivered Mail Returned to Sender" from
MAILER-DAEMON, qmail's "failure notice"): they are known by their sender or
subject and a permanent status in their text, and the original letter is found
by its Message-ID in a quoted letter, in quoted headers, in ``In-Reply-To`` or
``References``, or in the text itself.

A report that a letter was only delayed (``Action: delayed``, a 4.x.x status)
is not a failure: the server keeps trying.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, HeaderParser

from outreach_local_media.mail import hide_addresses

_MESSAGE_ID = re.compile(r"<[^<>\s@]+@[^<>\s@]+>")
_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_REPLY = re.compile(r"\b(5\d\d)[ -]")
_DAEMONS = {"mailer-daemon", "postmaster", "mail-daemon", "mailer"}
_SUBJECTS = re.compile(
    r"undeliver|delivery (status notification|failure|has failed|incomplete)|returned mail|"
    r"failure notice|mail delivery (failed|system|subsystem)|non[- ]?delivery|"
    r"недостав|не доставлен|не может быть доставлено", re.IGNORECASE)
_PERMANENT = re.compile(r"permanent(ly)? (error|fatal|failure)|постоянн", re.IGNORECASE)
DIAGNOSTIC_LENGTH = 300


@dataclass(frozen=True)
class Bounce:
    """An e-mail that came back: which letters it names, and the servers' words."""

    message_ids: tuple[str, ...]  # the returned letter's Message-ID, as <...>; several at times
    status: str  # the RFC 3463 code, e.g. "5.1.1"; "" when the server gave none
    diagnostic: str  # the server's words, addresses left out
    identity: str  # names this bounce itself (its own Message-ID, or a digest of it)


def read_bounce(raw: bytes) -> Bounce | None:
    """The bounce ``raw`` is, or None when it is another letter or only a delay."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    identity = str(message.get("Message-ID") or "").strip() or \
        "sha256:" + hashlib.sha256(raw).hexdigest()
    if _is_report(message):
        return _standard(message, identity)
    return _improvised(message, identity)


def may_be_bounce(header: bytes) -> bool:
    """Whether a letter with this header may be a bounce: a delivery report (RFC 3464),
    or from a mailer daemon, or with a bounce's subject. A False needs no further look."""
    message = BytesHeaderParser(policy=email.policy.default).parsebytes(header)
    return _is_report(message) or _looks_returned(message)


def _is_report(message: Message) -> bool:
    return message.get_content_type() == "multipart/report" and \
        str(message.get_param("report-type", "")).lower() == "delivery-status"


def _looks_returned(message: Message) -> bool:
    """Sent by a mailer daemon, or titled as a letter that came back."""
    sender = str(message.get("From", "")).lower()
    local = re.sub(r".*<|>.*", "", sender).partition("@")[0].strip()
    return local in _DAEMONS or bool(_SUBJECTS.search(str(message.get("Subject", ""))))


def _standard(message: Message, identity: str) -> Bounce | None:
    failed: tuple[str, str] | None = None
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for fields in _status_blocks(part):
            action = str(fields.get("Action", "")).strip().lower()
            status = str(fields.get("Status", "")).strip()
            if action == "failed" or (not action and status.startswith("5")):
                code = _STATUS.search(status)
                failed = (code.group(0) if code else status,
                          _diagnostic(str(fields.get("Diagnostic-Code", ""))))
                break
        if failed:
            break
    if failed is None:
        return None
    ids = _original_ids(message)
    return Bounce(ids, failed[0], failed[1], identity) if ids else None


def _status_blocks(part: Message) -> list[Message]:
    """The field groups of a message/delivery-status part (RFC 3464 2.1): per message,
    then per recipient."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    text = payload if isinstance(payload, str) else ""
    return [HeaderParser().parsestr(block.strip() + "\n")
            for block in re.split(r"\r?\n\s*\r?\n", text) if block.strip()]


def _improvised(message: Message, identity: str) -> Bounce | None:
    if not _looks_returned(message):
        return None  # a person's letter (an editor's reply, too): not ours to read
    text = _text(message)
    code = _STATUS.search(text)
    if code is not None and code.group(1) != "5":
        return None  # 4.x.x: put off, not refused
    found = code or _REPLY.search(text) or _PERMANENT.search(text)
    ids = _original_ids(message)
    if found is None or not ids:
        return None
    return Bounce(ids, code.group(0) if code else "",
                  _diagnostic(_line_of(text, found.start())), identity)


def _original_ids(message: Message) -> tuple[str, ...]:
    """Message-IDs of the letter that came back, in the order they were found."""
    found: list[str] = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind in ("message/rfc822", "message/global"):
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(inner, Message):
                found += _MESSAGE_ID.findall(str(inner.get("Message-ID", "")))
        elif kind in ("text/rfc822-headers", "message/global-headers"):
            content = part.get_payload(decode=True)
            if isinstance(content, bytes):
                headers = BytesHeaderParser().parsebytes(content)
                found += _MESSAGE_ID.findall(str(headers.get("Message-ID", "")))
    for name in ("In-Reply-To", "References"):
        found += _MESSAGE_ID.findall(str(message.get(name, "")))
    # A quoted letter pasted into the text ("Message-ID: <...>" among its lines).
    found += [m.group(1) for m in re.finditer(r"(?im)^\s*Message-ID:\s*(<[^<>\s]+>)",
                                               _text(message))]
    return tuple(dict.fromkeys(found))


def _text(message: Message) -> str:
    """The bounce's own words: its text/plain parts outside any quoted letter."""
    parts: list[str] = []
    if message.get_content_maintype() == "multipart":
        payload = message.get_payload()
        children = payload if isinstance(payload, list) else []
        for child in children:
            if isinstance(child, Message) and child.get_content_maintype() != "message":
                parts.append(_text(child))
    elif message.get_content_type() == "text/plain":
        try:
            content = message.get_content() if isinstance(message, EmailMessage) \
                else message.get_payload(decode=True)
        except (LookupError, ValueError):
            content = message.get_payload(decode=True)
        if isinstance(content, bytes):
            content = content.decode("utf-8", "replace")
        parts.append(content if isinstance(content, str) else "")
    return "\n".join(parts)


def _line_of(text: str, position: int) -> str:
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return text[start:end if end >= 0 else len(text)]


def _diagnostic(text: str) -> str:
    """The server's words in one line, without the type ("smtp;") and addresses."""
    text = " ".join(text.split())
    text = re.sub(r"^(smtp|x-[a-z-]+);\s*", "", text, flags=re.IGNORECASE)
    text = hide_addresses(text).replace("<<…>>", "<…>")
    return text if len(text) <= DIAGNOSTIC_LENGTH else text[:DIAGNOSTIC_LENGTH - 1] + "…"
