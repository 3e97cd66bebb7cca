"""Sign-ups taken offline: a phone call or a visit (``add``) and paper forms (``import_csv``).

A paper form carries the person's signature, so consent is recorded when the
coordinator confirms the forms were signed. An entry with the name and phone of
a sign-up typed in before updates it (importing the same file twice changes
nothing); a phone that another sign-up already has is only a possible
duplicate, for a coordinator to merge or keep apart (see ``merging``): a couple
may share one home phone, and a sign-up made in a bot is never changed here.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.db.models import SignUp, utcnow
from outreach.db.states import SignupStatus
from outreach.errors import OutreachError
from outreach.i18n import _
from outreach.signups import merging, records
from outreach.signups.cleaning import clean_name, clean_text, code_as_given
from outreach.signups.phones import PhoneError, normalize_phone
from outreach.signups.referrals import find_code, suggest_code
from outreach.text.spreadsheets import from_spreadsheet

if TYPE_CHECKING:
    from sqlmodel import Session

    from outreach.config import Config
    from outreach.db import Store

COLUMNS = ("name", "phone", "municipality", "code", "interests", "consent_date")
REQUIRED = ("name", "phone")


class SignupInputError(OutreachError):
    """An offline sign-up that cannot be stored as given; the message says why."""


@dataclass(frozen=True)
class Entry:
    name: str
    phone: str
    municipality: str | None = None
    code: str | None = None
    interests: str | None = None
    consent_at: dt.datetime | None = None


@dataclass
class ImportReport:
    stored: int = 0
    updated: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    # (line, sign-up id) of rows stored whose phone another sign-up has: possible duplicates
    same_phone: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Added:
    signup_id: int
    updated: bool
    attributed: bool
    same_phone: tuple[int, ...] = ()  # other sign-ups with this phone: possible duplicates


def add_signup(store: Store, config: Config, entry: Entry, *, source: str = "offline",
               unattributed: bool = False, policy_version: str | None = None) -> Added:
    """Store one offline sign-up (or update the one typed in with the same name and phone)."""
    name = clean_name(entry.name)
    if not name:
        raise SignupInputError(_("the name has no letters in it"))
    try:
        phone = normalize_phone(entry.phone)
    except PhoneError as exc:
        raise SignupInputError(_("phone {phone!r}: {reason}").format(
            phone=entry.phone, reason=exc)) from None
    municipality = check_municipality(config, entry.municipality)
    with store.session() as session:
        return _store(session, config, entry, name, phone, municipality, source,
                      unattributed, policy_version)


def _store(session: Session, config: Config, entry: Entry, name: str, phone: str,
           municipality: str | None, source: str, unattributed: bool,
           policy_version: str | None) -> Added:
    code_id, code_given = _code(session, entry.code, unattributed)
    now = utcnow()
    others = merging.same_phone(session, phone)
    row = next((other for other in others if other.person is None
                and other.source in merging.COORDINATOR_SOURCES
                and (other.name or "").casefold() == name.casefold()), None)
    updated = row is not None
    if row is None:
        row = SignUp(created_at=now, source=source, status=SignupStatus.completed)
    row.referral_code_id = records.merge_code(row.referral_code_id, code_id)
    if row.referral_code_id is None:
        row.code_given = row.code_given or code_given
    else:
        row.code_given = None
    records.apply_fields(row, {"name": name, "phone": phone, "municipality": municipality,
                               "interests": clean_text(entry.interests or "") or None})
    row.status = SignupStatus.completed
    row.forgotten_at = None
    row.consent_at = entry.consent_at or now
    row.policy_version = policy_version or config.signups.policy_version or None
    row.completed_at = row.completed_at or now
    row.updated_at = now
    session.add(row)
    session.flush()
    assert row.id is not None
    return Added(row.id, updated, row.referral_code_id is not None,
                 tuple(other.id for other in others if other.id not in (None, row.id)))


def _code(session: Session, given: str | None, unattributed: bool) -> tuple[int | None,
                                                                           str | None]:
    text = (given or "").strip()
    if not text:
        return None, None
    found = find_code(session, text)
    if found is not None:
        return found.id, None
    if unattributed:
        return None, code_as_given(text, deep_link=False)
    suggestion = suggest_code(session, text)
    if suggestion:
        raise SignupInputError(_(
            "there is no code {code!r}. Did you mean {suggestion}? If so, give --code "
            "{suggestion}; or add --unattributed to keep the sign-up without a code").format(
                code=text, suggestion=suggestion))
    raise SignupInputError(_(
        "there is no code {code!r}; check the poster, or add --unattributed to keep "
        "the sign-up without a code").format(code=text))


def check_municipality(config: Config, given: str | None) -> str | None:
    """The listed municipality ``given`` names in any case; a near miss is refused."""
    text = " ".join((given or "").split())
    if not text:
        return None
    known = {m.lower(): m for m in config.municipalities}
    if text.lower() in known:
        return known[text.lower()]
    close = difflib.get_close_matches(text.lower(), list(known), n=1, cutoff=0.75)
    if close:
        raise SignupInputError(_("municipality {name!r} is not in the list{hint}").format(
            name=text, hint=_(" (did you mean '{choice}'?)").format(choice=known[close[0]])))
    return text[:200]


def import_csv(store: Store, config: Config, path: Path, *, unattributed: bool = False,
               ) -> ImportReport:
    """Store every valid row of a CSV of paper forms; report the others by line."""
    report = ImportReport()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SignupInputError(_("{path}: no such file").format(path=path)) from None
    except UnicodeDecodeError:
        raise SignupInputError(_("{path}: not UTF-8 text; save the table as 'CSV UTF-8' and "
                                 "try again").format(path=path)) from None
    dialect = "excel-tab" if "\t" in text.split("\n", 1)[0] else _sniff(text)
    reader = csv.DictReader(text.splitlines(), dialect=dialect)
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise SignupInputError(_("{path}: the first line must name the columns; missing: "
                                 "{missing} (columns: {columns})").format(
            path=path, missing=", ".join(missing), columns=", ".join(COLUMNS)))
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise SignupInputError(_("{path}: unknown column {column!r}; the columns are "
                                 "{columns}").format(path=path, column=unknown[0],
                                                     columns=", ".join(COLUMNS)))
    reader.fieldnames = header
    for values in reader:
        line = reader.line_num
        if not any((v or "").strip() for v in values.values() if isinstance(v, str)):
            continue
        cell = {key: from_spreadsheet((value or "").strip()) for key, value in values.items()
                if isinstance(key, str) and isinstance(value, str | None)}
        try:
            entry = Entry(name=cell.get("name", ""), phone=cell.get("phone", ""),
                          municipality=cell.get("municipality"), code=cell.get("code"),
                          interests=cell.get("interests"),
                          consent_at=_consent_date(cell.get("consent_date")))
            added = add_signup(store, config, entry, source="csv", unattributed=unattributed)
        except SignupInputError as exc:
            report.rejected.append((line, str(exc)))
            continue
        if added.updated:
            report.updated += 1
        else:
            report.stored += 1
        if added.same_phone:
            report.same_phone.append((line, added.signup_id))
    return report


def _sniff(text: str) -> str | type[csv.Dialect]:
    first = text.split("\n", 1)[0]
    return "excel" if first.count(",") >= first.count(";") else _Semicolon


class _Semicolon(csv.excel):
    delimiter = ";"  # what a Russian-locale spreadsheet saves as CSV


def _consent_date(value: str | None) -> dt.datetime | None:
    text = (value or "").strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            day = dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
        return day.replace(hour=12, tzinfo=dt.UTC)
    raise SignupInputError(_("consent_date {value!r} is not a date: write 2026-10-05 or "
                             "05.10.2026").format(value=text))
