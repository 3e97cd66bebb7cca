"""Reading the referral code a person brought: a deep-link payload or a code from a poster."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from outreach.referrals import find_code
from outreach.signups.cleaning import code_as_given

if TYPE_CHECKING:
    from sqlmodel import Session

# Telegram's deep-link alphabet (also fine for VK's ?ref=): see DESIGN "Platform facts".
DEEP_LINK = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class CodeMatch:
    """What a given code turned out to be: a stored code's id, or the text kept as given."""

    referral_code_id: int | None
    code_given: str | None


def match_code(session: Session, given: str | None, *, deep_link: bool) -> CodeMatch:
    """Look ``given`` up; an unknown or malformed code is kept, made safe (see
    ``code_as_given``) and cut to 64 characters."""
    text = (given or "").strip()
    if not text:
        return CodeMatch(None, None)
    if deep_link and not DEEP_LINK.match(text):
        return CodeMatch(None, code_as_given(text, deep_link=True) or None)
    found = find_code(session, text)
    if found is None:
        return CodeMatch(None, code_as_given(text, deep_link=deep_link) or None)
    return CodeMatch(found.id, None)
