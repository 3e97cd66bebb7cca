"""Secrets recognised by their shape, so none is ever shown.

Tokens are never written in config files: a setting names the environment
variable that holds one (``Field.env``), and the configured secrets are
hidden by value wherever text is shown (``Registry.redact``). These patterns
catch the rest: a token pasted where a variable name belongs, and a token
inside a request URL or an error a platform sent back.
"""

from __future__ import annotations

import re

MASK = "***"
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

TOKEN = re.compile(
    r"\d{5,}:[A-Za-z0-9_-]{30,}"  # Telegram: <bot id>:<35 characters> (in Bot API URL paths)
    r"|vk1\.[a-z]+\.[A-Za-z0-9_.-]{20,}"  # VK's current tokens
    r"|\b[0-9a-f]{85}\b"  # VK's older tokens
    r"|(?<=[Bb]earer )[A-Za-z0-9._~+/=-]{16,}"  # an Authorization header
)
# key=value pairs of URLs and forms whose value is a credential.
SECRET_PARAM = re.compile(
    r"(?i)\b(access_token|token|password|secret|api_key|key|sig|hash)=([^&\s'\"]+)")


def mask_tokens(text: str) -> str:
    """``text`` with everything shaped like a token or a credential parameter hidden."""
    text = TOKEN.sub(MASK, text)
    return SECRET_PARAM.sub(lambda m: f"{m.group(1)}={MASK}", text)


def looks_like_secret(value: str) -> bool:
    """True when ``value``, meant as an environment variable's name, is rather a secret.

    A name is letters, digits and underscores; a token pasted instead may fit
    that too (VK's older tokens are 85 hex digits), so a long run of letters
    and digits without any underscore counts as a token as well.
    """
    if not ENV_NAME.match(value) or TOKEN.search(value):
        return True
    return len(value) >= 24 and "_" not in value and any(c.isdigit() for c in value)
