"""The sign-up dialog every channel's bot shares, kept in the store so it survives restarts.

A person's dialog lives in ``SignUp.dialog`` (the step and what they have
told so far); their name and phone move into the row's own columns only when
they consent, so a cancelled or refused dialog leaves nothing personal behind,
and a dialog left unfinished is erased after ``[signups] erase_unfinished_after``
(``records.erase_unfinished``, run by the service).

Steps: name → municipality (→ its name when "other") → phone → interests
(→ free text when "other") → consent → done.

Who may change what: a dialog changes and erases only the row it created for
its platform person (``SignUp.person``). A phone number that another sign-up
already has proves nothing (anyone can type anyone's), so it never joins the
two: the new row is kept and listed as a possible duplicate for a coordinator
(``merging``). Only a phone the platform vouches for (a contact card whose
owner is the sender) is merged into the sign-up a coordinator typed in, which
keeps everything the coordinator entered.

Races: two messages, two workers or an offline sign-up may touch the same
person at once. The unique key on ``SignUp.person`` decides; a transaction
that loses is replayed from the store (each step is a function of the stored
dialog and the message, so a replay is safe).
"""

from __future__ import annotations

import datetime as dt
import difflib
import threading
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from outreach.channels import Incoming, Reply, SignupDesk
from outreach.db.models import SignUp, utcnow
from outreach.db.states import SignupStatus
from outreach.errors import ConfigError, OutreachError, Problem
from outreach.signups import events, merging, records
from outreach.signups.cleaning import clean_name, clean_text
from outreach.signups.flood import Flood
from outreach.signups.joins import record_join
from outreach.signups.notices import CONFIRMED, NEW, WITHDRAWN, Coordinators, Notice
from outreach.signups.phones import PhoneError, normalize_phone
from outreach.signups.referrals import match_code
from outreach.signups.texts import Texts, duration_words, phone_reason

if TYPE_CHECKING:
    from sqlmodel import Session

    from outreach.config import Config
    from outreach.db import Store
    from outreach.platforms.registry import Registry

__all__ = ["NO", "OTHER", "YES", "StoreDesk", "clean_name", "clean_text"]

OTHER = "__other__"
YES = "__yes__"
NO = "__no__"
MARKERS = (OTHER, YES, NO)  # the desk's own button values: nobody's typed answer
# Typed answers in either language the dialog speaks (texts.py). Cancelling is words, so it
# works on every platform; the report dialog and the coordinators' questions take them too.
CANCEL_WORDS = ("/cancel", "/stop", "отмена", "отменить", "стоп", "cancel", "stop")
YES_WORDS = ("да", "согласен", "согласна", "согласен(на)", "yes", "i agree", "agree")
NO_WORDS = ("нет", "не согласен", "не согласна", "no", "i do not agree", "i disagree")


def is_cancel(typed: str) -> bool:
    """Whether ``typed`` is one of ``CANCEL_WORDS`` ("Отмена.", "«отмена»" count too)."""
    return typed.strip().strip(".!«»\"“”„'").strip().lower() in CANCEL_WORDS

# The person signed up (their row may be merged into another).
DONE = (SignupStatus.completed, SignupStatus.merged)
MUNICIPALITY_MAX = 200
_LOCKS = 64


Outcome = tuple[list[Reply], list[Notice]]


class StoreDesk(SignupDesk):
    """The sign-up desk over the store: ``handle`` runs the dialog, ``joined`` records joins."""

    def __init__(self, store: Store, config: Config, registry: Registry | None = None,
                 clock: Callable[[], dt.datetime] = utcnow, flood: Flood | None = None) -> None:
        if not config.signups.enabled:
            raise ConfigError([Problem(
                config.source, "signups",
                "the sign-up bots need a [signups] section with policy_url and policy_version: "
                "people are asked to consent to that policy (see docs/signups.md)")])
        self.store = store
        self.config = config
        self.registry = registry
        self.clock = clock
        self.flood = flood or Flood()
        self.texts = Texts(config.signups.texts)
        self.coordinators = Coordinators(store, config, registry, self.texts)
        # Striped: one lock per person would grow with everyone who ever wrote.
        self._locks = [threading.Lock() for _ in range(_LOCKS)]
        #: Dialogs erased since the service last scrubbed the database's files of them
        #: (``Store.purge_erased``); a replayed transaction may count one twice.
        self.erasures = 0

    # --- the SignupDesk contract ---

    def handle(self, channel: str, message: Incoming) -> list[Reply]:
        person = self.person_key(channel, message.person)
        limited = self.flood.check(person)
        if limited is not None:  # not read into the store: a flood must not grow it
            return [Reply(self._texts(channel)[limited])] if limited else []
        event = self.person_key(channel, message.event) if message.event else None
        with self._lock(person):
            replies, notices = events.in_transaction(self.store, lambda session: events.once(
                session, event, self.clock(),
                lambda: self._step(session, channel, person, message), person))
        for notice in notices or ():  # none for a repeated event: told the first time
            if self.flood.notice(person):
                self.coordinators.tell(notice)
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
        return self._locks[zlib.crc32(person.encode("utf-8")) % _LOCKS]


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

    def _step(self, session: Session, channel: str, person: str, message: Incoming) -> Outcome:
        t = self._texts(channel)
        now = self.clock()
        text = (message.text or "").strip()
        started, start_code = message.started, message.start_code
        if not started and text.lower().split(" ", 1)[0] == "/start":
            started = True
            start_code = text.split(" ", 1)[1].strip() if " " in text else None
        row = self._find(session, person)
        dialog: dict[str, Any] = dict(row.dialog or {}) if row is not None else {}

        if is_cancel(text):
            if row is None:
                return [Reply(t["cancelled"])], []
            if row.status in DONE:
                row.dialog = None  # what they told before stays as they consented to it
            else:
                self._erase(session, row)
            row.updated_at = now
            session.add(row)
            return [Reply(t["cancelled"])], []

        if started:
            code = match_code(session, start_code, deep_link=True)
            if row is None:
                row = SignUp(person=person, channel=channel, source=self._source(channel),
                             status=SignupStatus.started, created_at=now)
            welcome = t["welcome_back"] if row.status in DONE else t.format(
                "welcome", keep=duration_words(self.config.signups.erase_unfinished_after))
            if row.referral_code_id is None and row.code_given is None or \
                    row.referral_code_id is None and code.referral_code_id is not None:
                row.referral_code_id = code.referral_code_id
                row.code_given = code.code_given
            row.channel = row.channel or channel
            row.dialog = {"step": "name", "data": {}}
            row.updated_at = now
            session.add(row)
            session.flush()
            return [Reply(welcome), self._ask(t, "name", message)], []

        if row is None or not dialog.get("step"):
            if row is not None and row.status in DONE:
                return [Reply(t["already_done"])], []
            # Writing to the bot without /start still begins the dialog.
            return self._step(session, channel, person,
                              Incoming(person=message.person, started=True,
                                       display_name=message.display_name))

        outcome = self._answer(session, row, dialog, message, now)
        row.updated_at = now
        session.add(row)
        session.flush()
        return outcome

    def _answer(self, session: Session, row: SignUp, dialog: dict[str, Any],
                message: Incoming, now: dt.datetime) -> Outcome:
        t = self._texts(row.channel)
        step = dialog["step"]
        data: dict[str, Any] = dict(dialog.get("data") or {})
        choice, typed = message.choice, (message.text or "").strip()
        if choice is not None and choice not in self._offered(t, step, message):
            # A button this step never showed (an old message's, or forged callback
            # data) is read as typed text, so it can never skip a step; the desk's
            # own markers are nobody's answer.
            typed = "" if choice in MARKERS else choice.strip()
            choice = None
        value = choice or typed

        def go(next_step: str) -> Outcome:
            row.dialog = {"step": next_step, "data": data}
            return [self._ask(t, next_step, message)], []

        if step == "name":
            name = clean_name(value) if not message.attachment else ""
            if not name:
                return [Reply(t["name_again"])], []
            data["name"] = name
            return go("municipality" if self.config.municipalities else "municipality_other")
        if step in ("municipality", "municipality_other"):
            if choice == OTHER:
                return go("municipality_other")
            place = None if message.attachment else self._municipality(value, step)
            if not place:
                return [self._ask(t, step, message, again=True)], []
            data["municipality"] = place
            return go("phone")
        if step == "phone":
            if message.contact_phone:
                owner = message.contact_person
                if owner is not None and owner != message.person:
                    return [Reply(t["phone_not_own"], ask_contact=True)], []
                value = message.contact_phone
            elif message.attachment or not value:
                return [Reply(t["phone_not_attachment"], ask_contact=True)], []
            try:
                data["phone"] = normalize_phone(value)
            except PhoneError as exc:
                return [Reply(t.format("phone_again", reason=phone_reason(exc.reason)),
                              ask_contact=True)], []
            # Only the platform can vouch: a card from the person's own account.
            data["phone_confirmed"] = bool(message.contact_phone) and \
                message.contact_person == message.person
            return go("interests")
        if step in ("interests", "interests_other"):
            if choice == OTHER:
                return go("interests_other")
            if not value or message.attachment:
                return [self._ask(t, step, message)], []
            data["interests"] = clean_text(value)
            return go("consent")
        if step == "consent":
            answer = choice or _yes_no(value)
            if answer == YES:
                return self._complete(session, row, data, now)
            if answer == NO:
                return self._refuse(session, row, now)
            return [self._ask(t, "consent", message, again=True)], []
        row.dialog = {"step": "name", "data": {}}
        return [self._ask(t, "name", message)], []

    def _offered(self, t: Texts, step: str, message: Incoming) -> set[str]:
        """The button values the desk showed for ``step``."""
        if step == "name":
            return {clean_name(message.display_name or "")} - {""}
        if step == "municipality":
            return {*self.config.municipalities, OTHER}
        if step == "interests":
            return {*t.interests(), OTHER}
        if step == "consent":
            return {YES, NO}
        return set()

    def _complete(self, session: Session, row: SignUp, data: dict[str, Any],
                  now: dt.datetime) -> Outcome:
        """Store what the person said on their own row; see the module's docstring."""
        phone = data.get("phone")
        if row.phone != phone:
            row.kept_apart_at = None  # a coordinator kept apart another number
        records.apply_fields(row, {"name": data.get("name"), "phone": phone,
                                   "municipality": data.get("municipality"),
                                   "interests": data.get("interests")})
        row.phone_confirmed = True if data.get("phone_confirmed") else None
        row.status = SignupStatus.completed
        row.merged_into = None
        row.dialog = None
        row.forgotten_at = None
        row.consent_at = now
        row.policy_version = self.config.signups.policy_version
        row.completed_at = now
        row.updated_at = now
        session.add(row)
        session.flush()
        assert row.id is not None
        done = [Reply(self.texts.format("done", name=data.get("name") or ""))]
        others = merging.same_phone(session, phone, exclude=row.id)
        owner = merging.vouched_owner(others) if row.phone_confirmed else None
        if owner is not None and owner.id is not None:
            merging.merge(session, owner.id, row.id, now)
            return done, [Notice(CONFIRMED, owner.id)]
        return done, [Notice(NEW, row.id, tuple(other.id for other in others
                                                 if other.id is not None))]

    def _refuse(self, session: Session, row: SignUp, now: dt.datetime) -> Outcome:
        t = self._texts(row.channel)
        if row.status not in DONE:
            self._erase(session, row)
            row.person = None  # an anonymous start, nothing more
            return [Reply(t["consent_refused"])], []
        # Consent withdrawn by the person: their own row is erased, and the
        # coordinators are told (a row it was merged into is theirs to check).
        assert row.id is not None
        into = row.merged_into
        records.forget(session, row.id, now)
        self.erasures += 1
        return [Reply(t["consent_refused"])], [Notice(WITHDRAWN, row.id,
                                                      (into,) if into else ())]

    def _ask(self, t: Texts, step: str, message: Incoming, again: bool = False) -> Reply:
        if step == "name":
            hint = clean_name(message.display_name or "")
            return Reply(t["ask_name"], choices=[(hint, hint)] if hint else ())
        if step == "municipality":
            choices = [(m, m) for m in self.config.municipalities]
            choices.append((self._other_label(), OTHER))
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
            return Reply(t["consent_again"] if again else
                         t.format("ask_consent", policy_url=self.config.signups.policy_url),
                         choices=[(t["button_yes"], YES), (t["button_no"], NO)])
        raise ValueError(step)

    def _municipality(self, value: str, step: str) -> str | None:
        """The configured municipality ``value`` names (any case, a typo); after "other",
        a place not in the list, as "Другой: <place>".

        At the button step an unknown text is asked again rather than stored:
        coordinators count sign-ups per municipality, and a stray "минутку" or a
        misspelt name would each become a municipality of its own. After
        "other" the place is kept, marked, so the counts show at a glance which
        sign-ups came from outside the list, and the coordinator still sees where.
        """
        text = clean_text(value)[:MUNICIPALITY_MAX]
        if not text:
            return None
        known = {m.lower(): m for m in self.config.municipalities}
        if text.lower() in known:
            return known[text.lower()]
        close = difflib.get_close_matches(text.lower(), list(known), n=1, cutoff=0.8)
        if close:
            return known[close[0]]
        if step == "municipality":
            return None
        if not known:
            return text  # no list to be outside of
        return f"{self._other_label()}: {text}"[:MUNICIPALITY_MAX]

    def _other_label(self) -> str:
        """The button (and the stored prefix) for a place not in the list."""
        return self.config.signups.other_municipality_label or self.texts["button_other"]

    def _erase(self, session: Session, row: SignUp) -> None:
        """What the person said in a dialog they cancel or refuse: gone, replies owed included."""
        row.dialog = None
        for name in ("name", "contact", "phone", "interests"):
            setattr(row, name, None)
        if row.person:
            events.drop_owed(session, row.person)
        self.erasures += 1

    def _source(self, channel: str) -> str:
        section = self.config.channels.get(channel)
        return section.plugin if section is not None else channel


def _yes_no(value: str) -> str | None:
    lowered = value.lower().strip(" .!")
    if lowered in YES_WORDS:
        return YES
    if lowered in NO_WORDS:
        return NO
    return None
