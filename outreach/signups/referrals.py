"""Referral codes: which post, poster or newspaper brought a new volunteer.

The one place that makes codes, finds them and matches the code a person
brings. Each code has two forms. ``code`` is long and unguessable, for links
nobody reads: the sign-up deep link of an online post
(``https://t.me/<bot>?start=<code>``) and the QR code of a poster made with a
publication. ``short_code`` is what a person says on the phone or types from
paper: three letters for the place and a number, "МАС-7", made and matched as
``outreach.signups.spoken`` says (letters that read the same in Russian and
Latin; "сне-1", "CHE 1" and "CHE-O1" are the same code). The links of
placements and outlets (a press release's, a placement poster's QR code)
carry it in its stored Latin form ("?start=MAC-7"): Telegram's start
parameter takes only A-Z, a-z, 0-9, _ and - (Bot API,
``InlineQueryResultsButton.start_parameter``). Wherever a link's code comes
back (``match_code``), either form is found, so links printed before keep
working.

Every publication gets a code when it is planned (``publication_codes``).
Codes for placements (a poster at one office for one campaign) and for
outlets (a newspaper named in the press channel's config) are made once and
found again: the same placement always prints the same code.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from outreach.channels import DEEP_LINK_CODE
from outreach.db.models import ReferralCode, utcnow
from outreach.errors import OutreachError
from outreach.i18n import _, ngettext
from outreach.signups.cleaning import code_as_given
from outreach.signups.spoken import (
    DEFAULT_PREFIX,
    PAD,
    PREFIX_LENGTH,
    canonical,
    compact,
    prefix_for,
)
from outreach.text.latin import transliterate

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlmodel import Session

# Letters and digits without 0, O, 1, I and l: a code copied by hand from a
# printed page survives (lower-case o stays: it is never read as a digit alone).
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
CODE_LENGTH = 12  # 57**12: about 70 bits, far beyond guessing

KINDS = ("publication", "placement", "outlet")
_ATTEMPTS = 20


def new_code() -> str:
    """A fresh unguessable code for links: 12 characters of ``ALPHABET``."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def short_code(session: Session, prefix: str, promised: Iterable[str] = ()) -> str:
    """The next unused short code for ``prefix``: "MIA-1", "MIA-2", ...

    The number is one more than the highest already given for the prefix (or
    ``promised``: codes shown but not stored, as a preview shows them); a
    code taken meanwhile by another worker is caught by the unique index when
    it is stored (see ``_create``).
    """
    from sqlmodel import col, select

    prefix = _clean_prefix(prefix)
    taken = session.exec(
        select(ReferralCode.short_code).where(col(ReferralCode.short_code).like(f"{prefix}-%"))
    )
    numbers = [int(value.split("-", 1)[1]) for value in (*taken, *promised)
               if value and value.startswith(f"{prefix}-")
               and value.split("-", 1)[1].isdigit()]
    return f"{prefix}-{max(numbers, default=0) + 1}"


def publication_codes(session: Session, campaign_id: int,
                      publications: Iterable[tuple[int, str, str]]) -> None:
    """Store the codes of publications just planned: (publication id, channel, code),
    each code made by ``new_code`` and already on its publication's row."""
    import sqlalchemy as sa

    now = utcnow()
    rows = [{"code": code, "campaign_id": campaign_id, "channel": channel,
             "publication_id": publication_id, "kind": "publication", "created_at": now}
            for publication_id, channel, code in publications]
    if rows:
        session.execute(sa.insert(ReferralCode.__table__), rows)


def placement_code(session: Session, campaign_id: int | None, placement: str,
                   municipalities: Sequence[str] = ()) -> ReferralCode:
    """The code of ``placement`` in campaign ``campaign_id`` (None: a one-off poster),
    made on first use and the same ever after."""
    name = _clean_name(placement, "placement")
    existing = _find(session, "placement", name, campaign_id)
    if existing is not None:
        return existing
    return _create(session, kind="placement", placement=name, campaign_id=campaign_id,
                   prefix=prefix_for(name, municipalities))


def unstored_placement_code(session: Session, campaign_id: int | None, placement: str,
                            municipalities: Sequence[str] = (),
                            promised: Iterable[str] = ()) -> ReferralCode:
    """The code ``placement_code`` would give, stored or not, and nothing stored: a
    placement that has no code yet gets a row outside the session (``id`` None) with
    the short code it would be given (after ``promised``) and no link code."""
    name = _clean_name(placement, "placement")
    existing = _find(session, "placement", name, campaign_id)
    if existing is not None:
        return existing
    return ReferralCode(code="", campaign_id=campaign_id, placement=name, kind="placement",
                        short_code=short_code(session, prefix_for(name, municipalities),
                                              promised), created_at=utcnow())


def outlet_code(session: Session, outlet: str, channel: str | None = None,
                municipalities: Sequence[str] = (), campaign_id: int | None = None
                ) -> ReferralCode:
    """The code of a newspaper, radio station or office that gets press kits, in campaign
    ``campaign_id`` (None: outside any campaign), made on first use and the same ever after.

    Its ``short_code`` is what the outlet's press kit prints for readers to say on the
    phone; a sign-up with it counts for the campaign in ``outreach stats``.
    """
    name = _clean_name(outlet, "outlet")
    existing = _find(session, "outlet", name, campaign_id)
    if existing is not None:
        return existing
    return _create(session, kind="outlet", placement=name, campaign_id=campaign_id,
                   channel=channel, prefix=prefix_for(name, municipalities))


def find_code(session: Session, text: str) -> ReferralCode | None:
    """The code a person gave: a short code however it was typed (see
    ``outreach.signups.spoken``), or a link code."""
    from sqlmodel import select

    text = (text or "").strip()
    if not text:
        return None
    row = _find_short(session, text)
    if row is not None:
        return row
    return session.exec(select(ReferralCode).where(ReferralCode.code == text)).first()


def _find_short(session: Session, text: str) -> ReferralCode | None:
    """The code whose short code ``text`` is, however it was typed, or None."""
    from sqlmodel import select

    wanted = canonical(text)
    if wanted is None:
        return None
    return session.exec(select(ReferralCode).where(ReferralCode.short_code == wanted)).first()


def _clean_prefix(prefix: str) -> str:
    letters = re.sub(r"[^A-Z]", "", transliterate(compact(prefix)).upper())
    return (letters + PAD * PREFIX_LENGTH)[:PREFIX_LENGTH] if letters else DEFAULT_PREFIX


def _clean_name(name: str, what: str) -> str:
    """``name`` of a placement or an outlet (``what``), spaces tidied; refused when empty
    or too long."""
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise OutreachError(
            (_("a placement needs a name, e.g. {example}") if what == "placement"
             else _("an outlet needs a name, e.g. {example}")).format(
                example="'Пенсионный фонд, Миасс, ул. Ленина, 5'"))
    if len(cleaned) > 500:
        raise OutreachError(ngettext("the name is {count} character long; 500 at most fit in "
                                     "the store",
                                     "the name is {count} characters long; 500 at most fit in "
                                     "the store", len(cleaned)).format(count=len(cleaned)))
    return cleaned


def _find(session: Session, kind: str, name: str, campaign_id: int | None) -> ReferralCode | None:
    from sqlmodel import col, select

    query = select(ReferralCode).where(ReferralCode.kind == kind,
                                       ReferralCode.placement == name)
    if campaign_id is None:
        query = query.where(col(ReferralCode.campaign_id).is_(None))
    else:
        query = query.where(ReferralCode.campaign_id == campaign_id)
    return session.exec(query.order_by(col(ReferralCode.id))).first()


def _create(session: Session, *, kind: str, placement: str, campaign_id: int | None,
            prefix: str, channel: str | None = None) -> ReferralCode:
    """Store a new code; another worker storing the same short code first costs a retry."""
    for _attempt in range(_ATTEMPTS):
        row = ReferralCode(code=new_code(), campaign_id=campaign_id, channel=channel,
                           placement=placement, kind=kind, created_at=utcnow())
        if _stored_with_short_code(session, row, prefix):
            return row
        existing = _find(session, kind, placement, campaign_id)
        if existing is not None:
            return existing
    raise OutreachError(_("could not give {placement!r} a referral code: the store kept "
                          "refusing new codes; try again").format(placement=placement))


def spoken_code(session: Session, code: str, prefix: str) -> str | None:
    """The short code of link code ``code`` (a publication's), given on first use and the
    same ever after: what a poster printed with the publication shows to say on the phone.
    None for a code the store does not have."""
    from sqlmodel import select

    row = session.exec(select(ReferralCode).where(ReferralCode.code == code)).first()
    for _attempt in range(_ATTEMPTS):
        if row is None or row.short_code:
            return row.short_code if row is not None else None
        if _stored_with_short_code(session, row, prefix):
            return row.short_code
        session.refresh(row)
    raise OutreachError(_("could not give a publication a short code: the store kept "
                          "refusing new codes; try again"))


def _stored_with_short_code(session: Session, row: ReferralCode, prefix: str) -> bool:
    """Store ``row`` with the next short code of ``prefix``; False when another worker took
    that short code (or stored the same row) first."""
    from sqlalchemy.exc import IntegrityError

    # Read before the savepoint: on SQLite a read inside it holds a shared lock, and a
    # write after it then fails at once ("database is locked") while another worker
    # writes, instead of waiting its turn.
    row.short_code = short_code(session, prefix)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return False
    return True


def suggest_code(session: Session, text: str) -> str | None:
    """The short code closest to a mistyped ``text`` ("MAI-7" -> "MIA-7"), or None."""
    import difflib

    from sqlmodel import select

    wanted = compact(text)
    if not wanted:
        return None
    known = [value for value in session.exec(select(ReferralCode.short_code)) if value]
    by_key = {compact(value): value for value in known}
    close = difflib.get_close_matches(wanted, list(by_key), n=1, cutoff=0.6)
    return by_key[close[0]] if close else None


@dataclass(frozen=True)
class CodeMatch:
    """What a given code turned out to be: a stored code's id, or the text kept as given."""

    referral_code_id: int | None
    code_given: str | None


def match_code(session: Session, given: str | None, *, deep_link: bool) -> CodeMatch:
    """Look ``given`` up (a deep link's payload, or a code a coordinator typed); an
    unknown or malformed code is kept, made safe (see ``code_as_given``) and cut to 64
    characters."""
    text = (given or "").strip()
    if not text:
        return CodeMatch(None, None)
    if deep_link and not DEEP_LINK_CODE.match(text):
        # Not what a link carries, but a person may type "/start МАС-3" in Cyrillic
        # by hand: a short code is found however it is typed, a long one never is.
        found = _find_short(session, text)
        if found is None:
            return CodeMatch(None, code_as_given(text, deep_link=True) or None)
        return CodeMatch(found.id, None)
    found = find_code(session, text)
    if found is None:
        return CodeMatch(None, code_as_given(text, deep_link=deep_link) or None)
    return CodeMatch(found.id, None)
