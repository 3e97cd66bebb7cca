"""E-mails that come back, as mail servers write them, for the bounce-reading tests."""

from __future__ import annotations

from email.message import EmailMessage

SENDER = "press@silver.example.org"


def postfix_dsn(original: EmailMessage, *, status: str = "5.1.1", action: str = "failed",
                diagnostic: str = "smtp; 550 5.1.1 <{to}>: Recipient address rejected: User "
                                  "unknown in local recipient table",
                queue_id: str = "3F1A2C0D4E") -> bytes:
    """A delivery status notification as Postfix's bounce(8) writes it (RFC 3464): the
    notification text, the message/delivery-status fields and the returned letter's
    headers as text/rfc822-headers."""
    to = str(original["To"])
    boundary = f"{queue_id}.1764674550/mail.silver.example.org"
    headers = "".join(f"{name}: {value}\r\n" for name, value in original.items())
    said = diagnostic.format(to=to)
    return (
        "Return-Path: <>\r\n"
        f"Received: by mail.silver.example.org (Postfix) id {queue_id}; "
        "Wed,  2 Dec 2026 14:22:30 +0500 (+05)\r\n"
        "Date: Wed,  2 Dec 2026 14:22:30 +0500 (+05)\r\n"
        "From: MAILER-DAEMON@mail.silver.example.org (Mail Delivery System)\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"To: {SENDER}\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/report; report-type=delivery-status;\r\n"
        f'\tboundary="{boundary}"\r\n'
        "Content-Transfer-Encoding: 8bit\r\n"
        f"Message-Id: <20261202092230.{queue_id}@mail.silver.example.org>\r\n"
        "\r\n"
        "This is a MIME-encapsulated message.\r\n"
        "\r\n"
        f"--{boundary}\r\n"
        "Content-Description: Notification\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n"
        "\r\n"
        "This is the mail system at host mail.silver.example.org.\r\n"
        "\r\n"
        "I'm sorry to have to inform you that your message could not\r\n"
        "be delivered to one or more recipients. It's attached below.\r\n"
        "\r\n"
        "                   The mail system\r\n"
        "\r\n"
        f"<{to}>: host mx.example.org[192.0.2.25] said: {said.removeprefix('smtp; ')} "
        "(in reply to RCPT TO command)\r\n"
        "\r\n"
        f"--{boundary}\r\n"
        "Content-Description: Delivery report\r\n"
        "Content-Type: message/delivery-status\r\n"
        "\r\n"
        "Reporting-MTA: dns; mail.silver.example.org\r\n"
        f"X-Postfix-Queue-ID: {queue_id}\r\n"
        f"X-Postfix-Sender: rfc822; {SENDER}\r\n"
        "Arrival-Date: Wed,  2 Dec 2026 14:22:28 +0500 (+05)\r\n"
        "\r\n"
        f"Final-Recipient: rfc822; {to}\r\n"
        f"Original-Recipient: rfc822;{to}\r\n"
        f"Action: {action}\r\n"
        f"Status: {status}\r\n"
        "Remote-MTA: dns; mx.example.org\r\n"
        f"Diagnostic-Code: {said}\r\n"
        "\r\n"
        f"--{boundary}\r\n"
        "Content-Description: Undelivered Message Headers\r\n"
        "Content-Type: text/rfc822-headers\r\n"
        "\r\n"
        f"{headers}"
        "\r\n"
        f"--{boundary}--\r\n"
    ).encode()


def qmail_failure(original: EmailMessage) -> bytes:
    """qmail's "failure notice": plain text, the returned letter pasted after a line."""
    to = str(original["To"])
    pasted = "".join(f"{name}: {value}\n" for name, value in original.items())
    return (
        "From: MAILER-DAEMON@mx.example.net\n"
        f"To: {SENDER}\n"
        "Subject: failure notice\n"
        "Date: Wed, 2 Dec 2026 09:30:00 +0000\n"
        "Message-ID: <qmail-1764667800@mx.example.net>\n"
        "\n"
        "Hi. This is the qmail-send program at mx.example.net.\n"
        "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
        "This is a permanent error; I've given up. Sorry it didn't work out.\n"
        "\n"
        f"<{to}>:\n"
        "552 5.2.2 Mailbox quota exceeded\n"
        "\n"
        "--- Below this line is a copy of the message.\n"
        "\n"
        f"{pasted}\n"
        "(the letter)\n"
    ).encode()


def editor_reply(original: EmailMessage) -> bytes:
    """An editor answering our letter: a person's mail, never a bounce."""
    reply = EmailMessage()
    reply["From"] = str(original["To"])
    reply["To"] = SENDER
    reply["Subject"] = f"Re: {original['Subject']}"
    reply["Message-ID"] = "<reply-1@example.org>"
    reply["In-Reply-To"] = str(original["Message-ID"])
    reply["References"] = str(original["Message-ID"])
    reply.set_content("Спасибо, опубликуем в пятницу. Код 550 рублей за строку не нужен.")
    return reply.as_bytes()


def unrelated_letter() -> bytes:
    letter = EmailMessage()
    letter["From"] = "neighbour@example.org"
    letter["To"] = SENDER
    letter["Subject"] = "Субботник в субботу"
    letter["Message-ID"] = "<neighbour-7@example.org>"
    letter.set_content("Приходите в субботу к 10 утра.")
    return letter.as_bytes()
