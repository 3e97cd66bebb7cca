"""What must never be shown, recognised by its shape: tokens and phone numbers.

The configured secrets are known by value (``Registry.redact``); these
patterns catch the rest: a token pasted where a variable name belongs, a
token inside a request URL, and the phone numbers of people who sign up
(their names cannot be known by shape, so no log line may carry a message
text, a request body or a contact card in the first place). And the files
that hold people's data are their owner's alone.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

MASK = "***"
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

_SEP = r"[\s\-.\u2010-\u2015\u00a0]*"
_NUMBER = (r"\(?[3489]\d{2}\)?" + _SEP + r"\d{3}" + _SEP + r"\d{2}" + _SEP + r"\d{2}")
# Every Russian number is ten digits after +7 or 8 (area and mobile codes begin with
# 3, 4, 8 or 9), written with or without the prefix, spaces, dashes, dots, brackets.
PHONE = re.compile(r"(?<![\d+])(?:(?:\+\s?7|8|7)" + _SEP + r")?" + _NUMBER + r"(?!\d)")

TOKEN = re.compile(
    r"\d{5,}:[A-Za-z0-9_-]{30,}"  # Telegram: <bot id>:<35 characters> (in Bot API URL paths)
    r"|vk1\.[a-z]+\.[A-Za-z0-9_.-]{20,}"  # VK's current tokens
    r"|\b[0-9a-f]{85}\b"  # VK's older tokens
    r"|(?<=[Bb]earer )[A-Za-z0-9._~+/=-]{16,}"  # an Authorization header
)
# key=value pairs of URLs and forms whose value is a credential.
SECRET_PARAM = re.compile(
    r"(?i)\b(access_token|token|password|secret|api_key|key|sig|hash)=([^&\s'\"]+)")


def mask_phones(text: str) -> str:
    """``text`` with every Russian phone number replaced by ``***``."""
    return PHONE.sub(MASK, text)


def mask_tokens(text: str) -> str:
    """``text`` with everything shaped like a token or a credential parameter hidden."""
    text = TOKEN.sub(MASK, text)
    return SECRET_PARAM.sub(lambda m: f"{m.group(1)}={MASK}", text)


def mask(text: str) -> str:
    """Tokens and phone numbers hidden: what a log line or a shown error may keep."""
    return mask_phones(mask_tokens(text))


def looks_like_secret(value: str) -> bool:
    """True when ``value``, meant as an environment variable's name, is rather a secret.

    A name is letters, digits and underscores; a token pasted instead may fit
    that too (VK's older tokens are 85 hex digits), so a long run of letters
    and digits without any underscore counts as a token as well.
    """
    if not ENV_NAME.match(value) or TOKEN.search(value):
        return True
    return len(value) >= 24 and "_" not in value and any(c.isdigit() for c in value)


def private_folder(path: Path) -> Path:
    """``path`` made (with its parents) and readable by its owner only (0700)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)  # mkdir's mode yields to the umask, and the folder may be older
    return path


def write_private(path: Path, data: str | bytes, *, durable: bool = False) -> None:
    """Replace ``path`` atomically with ``data``, readable by its owner only (0600).

    For state that holds people's names and phones (the fakes' simulated
    people, uploaded photos). ``durable`` waits until the data is on disk.
    """
    private_folder(path.parent)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data.encode("utf-8") if isinstance(data, str) else data)
            if durable:
                file.flush()
                os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
