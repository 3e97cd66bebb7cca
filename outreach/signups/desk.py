"""The sign-up dialog every channel's bot shares, kept in the store so it survives restarts.

A person's dialog lives in ``SignUp.dialog`` (the step and what they have
told so far); their name and phone move into the row's own columns only when
they consent, so a cancelled or refused dialog leaves nothing personal behind.

Steps: name → municipality (→ its name when "other") → phone → interests
(→ free text when "other") → consent → done.

Races: two messages, two workers or an offline sign-up may touch the same
person at once. The unique keys on ``SignUp.person`` and ``SignUp.phone``
decide; a transaction that loses is replayed from the store (each step is a
function of the stored dialog and the message, so a replay is safe).
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import threading
import time
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect as sa_inspect

from outreach.channels import Incoming, Reply, SignupDesk
from outreach.errors import OutreachError
from outreach.models import SignUp, utcnow
from outreach.signups import events, records
from outreach.signups.codes import match_code
from outreach.signups.joins import record_join
from outreach.signups.phones import PhoneError, normalize_phone, pretty_phone
from outreach.signups.texts import Texts

if TYPE_CHECKING:
    from sqlmodel import Session

    from outreach.config import Config
    from outreach.db import Store
    from outreach.registry import Registry

log = logging.getLogger("outreach.signups")

OTHER = "__other__"
YES = "__yes__"
NO = "__no__"
CANCEL_WORDS = ("/cancel", "/stop", "отмена", "отменить", "стоп")
YES_WORDS = ("да", "согласен", "согласна", "согласен(на)", "yes")
NO_WORDS = ("нет", "не согласен", "не согласна", "no")
NAME_MAX = 100
TEXT_MAX = 1000
_ATTEMPTS = 8


class StoreDesk(SignupDesk):
    """The sign-up desk over the store: ``handle`` runs the dialog, ``joined`` records joins."""

    def __init__(self, store: Store, config: Config, registry: Registry | None = None,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.store = store
        self.config = config
        self.registry = registry
        self.clock = clock
        self.texts = Texts(config.signups.texts)
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    # --- the SignupDesk contract ---

    def handle(self, channel: str, message: Incoming) -> list[Reply]:
        person = self.person_key(channel, message.person)
        event = self.person_key(channel, message.event) if message.event else None
        with self._lock(person):
            replies, finished = self._with_retries(lambda session: events.once(
                session, event, self.clock(),
                lambda: self._step(session, channel, person, message)))
        if finished is not None:
            self._notify(finished)
        return replies

    def delivered(self, channel: str, message: Incoming) -> None:
        if message.event:
            events.delivered(self.store, self.person_key(channel, message.event))

    def joined(self, channel: str, person: str, at: dt.datetime) -> None:
        record_join(self.store, self.config, channel, self.person_key(channel, person), at)

    # --- helpers ---

    def person_key(self, channel: str, person: str) -> str:
        section = self.config.channels.get(channel)
        plugin = section.plugin if section is not None else channel
        return f"{plugin}:{person}"

    def _lock(self, person: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(person, threading.Lock())

    def _with_retries(self, work: Callable[[Session], Any]) -> Any:
        """Run ``work`` in a transaction; replay it when another writer got there first.

        That is: a unique key taken meanwhile, a lock, or (SQLite, which has no
        row locks) a row another process updated or merged away since it was read.
        """
        from sqlalchemy.exc import IntegrityError, OperationalError
        from sqlalchemy.orm.exc import StaleDataError

        for attempt in range(_ATTEMPTS):
            try:
                with self.store.session() as session:
                    return work(session)
            except (IntegrityError, OperationalError, StaleDataError):
                if attempt == _ATTEMPTS - 1:
                    raise
                time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")

    def _find(self, session: Session, person: str) -> SignUp | None:
        from sqlmodel import select

        query = select(SignUp).where(SignUp.person == person)
        if not self.store.is_sqlite:
            query = query.with_for_update()
        return session.exec(query).first()

    def _texts(self, channel: str | None) -> Texts:
        """The texts for ``channel``: phone questions name a button only where there is one."""
        try:
            plugin = self.registry.plugin_class(channel) if self.registry and channel else None
        except OutreachError:
            plugin = None
        if plugin is not None and plugin.capabilities.contact_button:
            return self.texts
        return self.texts.typed_phone()

    def _step(self, session: Session, channel: str, person: str,
              message: Incoming) -> tuple[list[Reply], int | None]:
        t = self._texts(channel)
        now = self.clock()
        text = (message.text or "").strip()
        started, start_code = message.started, message.start_code
        if not started and text.lower().split(" ", 1)[0] == "/start":
            started = True
            start_code = text.split(" ", 1)[1].strip() if " " in text else None
        row = self._find(session, person)
        dialog: dict[str, Any] = dict(row.dialog or {}) if row is not None else {}

        if text.lower() in CANCEL_WORDS:
            if row is None:
                return [Reply(t["cancelled"])], None
            if row.status == "completed":
                row.dialog = None  # what they told before stays as they consented to it
            else:
                self._erase(row)
            row.updated_at = now
            session.add(row)
            return [Reply(t["cancelled"])], None

        if started:
            code = match_code(session, start_code, deep_link=True)
            if row is None:
                row = SignUp(person=person, channel=channel, source=self._source(channel),
                             status="started", created_at=now)
            replies = [Reply(t["welcome_back"] if row.status == "completed" else t["welcome"])]
            if row.referral_code_id is None and row.code_given is None or \
                    row.referral_code_id is None and code.referral_code_id is not None:
                row.referral_code_id = code.referral_code_id
                row.code_given = code.code_given
            row.channel = row.channel or channel
            row.dialog = {"step": "name", "data": {}}
            row.updated_at = now
            session.add(row)
            session.flush()
            return replies + [self._ask(t, "name", message)], None

        if row is None or not dialog.get("step"):
            if row is not None and row.status == "completed":
                return [Reply(t["already_done"])], None
            # Writing to the bot without /start still begins the dialog.
            return self._step(session, channel, person,
                              Incoming(person=message.person, started=True,
                                       display_name=message.display_name))

        replies, finished = self._answer(session, row, dialog, message, now)
        if not sa_inspect(row).was_deleted:  # merged into the same person's earlier row
            row.updated_at = now
            session.add(row)
        session.flush()
        return replies, finished

    def _answer(self, session: Session, row: SignUp, dialog: dict[str, Any],
                message: Incoming, now: dt.datetime) -> tuple[list[Reply], int | None]:
        t = self._texts(row.channel)
        step = dialog["step"]
        data: dict[str, Any] = dict(dialog.get("data") or {})
        value = (message.choice or message.text or "").strip()

        def go(next_step: str) -> tuple[list[Reply], None]:
            row.dialog = {"step": next_step, "data": data}
            return [self._ask(t, next_step, message)], None

        if step == "name":
            name = clean_name(value) if not message.attachment else ""
            if not name:
                return [Reply(t["name_again"])], None
            data["name"] = name
            return go("municipality" if self.config.municipalities else "municipality_other")
        if step in ("municipality", "municipality_other"):
            if message.choice == OTHER:
                return go("municipality_other")
            place = self._municipality(value, free=step == "municipality_other")
            if not place or message.attachment:
                return [self._ask(t, step, message, again=True)], None
            data["municipality"] = place
            return go("phone")
        if step == "phone":
            if message.contact_phone:
                value = message.contact_phone
            elif message.attachment or not value:
                return [Reply(t["phone_not_attachment"], ask_contact=True)], None
            try:
                data["phone"] = normalize_phone(value)
            except PhoneError as exc:
                return [Reply(t.format("phone_again", reason=_russian_reason(exc)),
                              ask_contact=True)], None
            return go("interests")
        if step in ("interests", "interests_other"):
            if message.choice == OTHER:
                return go("interests_other")
            if not value or message.attachment:
                return [self._ask(t, step, message)], None
            data["interests"] = clean_text(value)
            return go("consent")
        if step == "consent":
            answer = message.choice or _yes_no(value)
            if answer == YES:
                return self._complete(session, row, data, now)
            if answer == NO:
                if row.status == "completed":
                    records.forget(session, row.id, now)  # consent withdrawn: erase it all
                else:
                    self._erase(row)
                    row.person = None
                return [Reply(t["consent_refused"])], None
            return [self._ask(t, "consent", message, again=True)], None
        row.dialog = {"step": "name", "data": {}}
        return [self._ask(t, "name", message)], None

    def _complete(self, session: Session, row: SignUp, data: dict[str, Any],
                  now: dt.datetime) -> tuple[list[Reply], int | None]:
        from sqlmodel import select

        phone = data.get("phone")
        other = session.exec(select(SignUp).where(SignUp.phone == phone,
                                                  SignUp.id != row.id)).first() \
            if phone else None
        target = row
        if other is not None:
            # The same person signed up elsewhere (another platform, a paper form): one row.
            other.referral_code_id = records.merge_code(other.referral_code_id,
                                                        row.referral_code_id)
            if other.referral_code_id is None and other.code_given is None:
                other.code_given = row.code_given
            keep_person = row.person if other.person is None else None
            session.delete(row)
            session.flush()
            if keep_person:
                other.person = keep_person
            other.channel = other.channel or row.channel
            target = other
        records.apply_fields(target, {"name": data.get("name"), "phone": phone,
                                      "municipality": data.get("municipality"),
                                      "interests": data.get("interests")})
        target.status = "completed"
        target.dialog = None
        target.forgotten_at = None
        target.consent_at = now
        target.policy_version = self.config.signups.policy_version
        target.completed_at = now
        target.updated_at = now
        session.add(target)
        session.flush()
        name = data.get("name") or ""
        return [Reply(self.texts.format("done", name=name))], target.id

    def _ask(self, t: Texts, step: str, message: Incoming, again: bool = False) -> Reply:
        if step == "name":
            hint = clean_name(message.display_name or "")
            return Reply(t["ask_name"], choices=[(hint, hint)] if hint else ())
        if step == "municipality":
            choices = [(m, m) for m in self.config.municipalities]
            choices.append((self.config.signups.other_municipality_label, OTHER))
            return Reply(t["municipality_again" if again else "ask_municipality"],
                         choices=choices)
        if step == "municipality_other":
            return Reply(t["ask_other_municipality"])
        if step == "phone":
            return Reply(t["ask_phone"], ask_contact=True)
        if step == "interests":
            choices = [(item, item) for item in t.interests()]
            choices.append((t["button_interests_other"], OTHER))
            return Reply(t["ask_interests"], choices=choices)
        if step == "interests_other":
            return Reply(t["interests_other"])
        if step == "consent":
            policy = self.config.signups.policy_url or "—"
            return Reply(t["consent_again"] if again else
                         t.format("ask_consent", policy_url=policy),
                         choices=[(t["button_yes"], YES), (t["button_no"], NO)])
        raise ValueError(step)

    def _municipality(self, value: str, free: bool) -> str | None:  # noqa: ARG002
        """The configured municipality ``value`` names (any case, a typo), or the text itself
        when typed after "other"."""
        value = clean_text(value)[:200]
        if not value:
            return None
        known = {m.lower(): m for m in self.config.municipalities}
        if value.lower() in known:
            return known[value.lower()]
        close = difflib.get_close_matches(value.lower(), list(known), n=1, cutoff=0.8)
        if close:
            return known[close[0]]
        return value  # a place not in the list is still where they live

    def _source(self, channel: str) -> str:
        section = self.config.channels.get(channel)
        return section.plugin if section is not None else channel

    @staticmethod
    def _erase(row: SignUp) -> None:
        row.dialog = None
        for name in ("name", "contact", "phone", "interests"):
            setattr(row, name, None)

    def _notify(self, signup_id: int) -> None:
        """Tell the coordinators; a failure is logged (without personal data) and forgotten."""
        settings = self.config.signups
        if not settings.coordinators_channel or not settings.coordinators_chat \
                or self.registry is None:
            return
        try:
            with self.store.session() as session:
                row = session.get(SignUp, signup_id)
                if row is None:
                    return
                found = records.origin(session, row.referral_code_id)
                if found is not None:
                    source = found.describe()
                elif row.code_given:
                    source = self.texts.format("source_unknown_code", code=row.code_given)
                else:
                    source = self.texts["source_none"]
                if row.channel:
                    source = f"{source} ({row.channel})"
                text = self.texts.format(
                    "coordinators", name=row.name or "—", municipality=row.municipality or "—",
                    phone=pretty_phone(row.phone) if row.phone else (row.contact or "—"),
                    interests=row.interests or "—", source=source)
            self.registry.get(settings.coordinators_channel).notify(
                settings.coordinators_chat, text)
        except Exception as exc:  # the sign-up is stored; a missed message must not undo it
            log.warning("could not tell the coordinators about sign-up %s via %s: %s",
                        signup_id, settings.coordinators_channel, type(exc).__name__)


def clean_name(text: str) -> str:
    """A name with emoji, symbols, digits and control characters taken out."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category[0] == "L" or char in "-'’. ":
            kept.append(char)
        elif category[0] == "M" and not 0xFE00 <= ord(char) <= 0xFE0F:
            kept.append(char)  # combining accents (й written as и + ̆), not emoji selectors
        elif category[0] == "Z" or char in "\t\n":
            kept.append(" ")
    name = " ".join("".join(kept).split()).strip(" -.'’")
    if not any(unicodedata.category(c)[0] == "L" for c in name):
        return ""
    return name[:NAME_MAX]


def clean_text(text: str) -> str:
    """Free text with control characters taken out and length capped."""
    kept = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in text)
    return " ".join(kept.split())[:TEXT_MAX]


def _yes_no(value: str) -> str | None:
    lowered = value.lower().strip(" .!")
    if lowered in YES_WORDS:
        return YES
    if lowered in NO_WORDS:
        return NO
    return None


_REASONS = {
    "the number is empty": "номер пустой",
    "too few": "не хватает цифр",
    "too many": "слишком много цифр",
    "only digits": "в номере должны быть только цифры",
    "not a Russian number": "это не российский номер — он начинается с +7 или 8",
}


def _russian_reason(error: PhoneError) -> str:
    message = str(error)
    for key, reason in _REASONS.items():
        if key in message:
            return reason
    return "номер не похож на российский"
