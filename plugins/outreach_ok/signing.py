"""OK's request signature (apiok.ru/dev/methods, "Calculating request signature").

In a session the secret is ``session_secret_key = md5(access_token +
application_secret_key)`` in lower case; the token itself is left out of the
signed parameters; the rest are sorted by key, joined as ``key=value`` with
nothing between them, the secret appended, and ``sig`` is the md5 of that in
lower case.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

#: Parameters that are never signed: the signature itself and the session.
UNSIGNED = ("sig", "access_token", "session_key")


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest().lower()


def session_secret(access_token: str, application_secret_key: str) -> str:
    """The session secret of a call made with ``access_token``."""
    return _md5(access_token + application_secret_key)


def signature(params: Mapping[str, str], secret: str) -> str:
    """``sig`` of ``params`` signed with ``secret`` (a session secret, or the app's key)."""
    joined = "".join(f"{key}={params[key]}" for key in sorted(params) if key not in UNSIGNED)
    return _md5(joined + secret)


def signed(params: Mapping[str, str], access_token: str,
           application_secret_key: str) -> dict[str, str]:
    """``params`` with ``sig`` and ``access_token``, ready to send."""
    found = dict(params)
    found["sig"] = signature(found, session_secret(access_token, application_secret_key))
    found["access_token"] = access_token
    return found
