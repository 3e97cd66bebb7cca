"""What the coordinators' chat is told about sign-ups: new volunteers and withdrawals.

A notice speaks of one sign-up and is built from that row alone: another
row is named by its number only, so a stranger who typed someone's phone
learns nothing and tells the coordinators nothing about that someone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from outreach.db.models import SignUp
from outreach.i18n import _
from outreach.signups import records
from outreach.signups.phones import pretty_phone

if TYPE_CHECKING:
    from sqlmodel import Session

    from outreach.config import Config
    from outreach.db import Store
    from outreach.platforms.registry import Registry
    from outreach.signups.texts import Texts

log = logging.getLogger("outreach.signups")

NEW = "new"  # a finished sign-up
CONFIRMED = "confirmed"  # a bot's sign-up merged into the one a coordinator typed in
WITHDRAWN = "withdrawn"  # consent withdrawn in the bot: the row is forgotten


@dataclass(frozen=True)
class Notice:
    kind: str
    signup_id: int
    related: tuple[int, ...] = ()  # NEW: rows with the same phone; WITHDRAWN: merged into


class Coordinators:
    """Sends notices to ``[signups] coordinators``; a failure is logged and forgotten."""

    def __init__(self, store: Store, config: Config, registry: Registry | None,
                 texts: Texts) -> None:
        self.store = store
        self.config = config
        self.registry = registry
        self.texts = texts

    def tell(self, notice: Notice) -> None:
        settings = self.config.signups
        if not settings.coordinators_channel or not settings.coordinators_chat \
                or self.registry is None:
            return
        try:
            text = self.text(notice)
            if text is None:
                return
            self.registry.get(settings.coordinators_channel).notify(
                settings.coordinators_chat, text)
        except Exception as exc:  # the sign-up is stored; a missed message must not undo it
            log.warning(_("could not tell the coordinators about sign-up {id} via {channel}: "
                          "{error}").format(id=notice.signup_id,
                                            channel=settings.coordinators_channel,
                                            error=type(exc).__name__))

    def text(self, notice: Notice) -> str | None:
        """The message for ``notice``, in the coordinators' language; None when moot."""
        t = self.texts
        if notice.kind == WITHDRAWN:
            text = t.format("coordinators_withdrawn", id=str(notice.signup_id))
            if notice.related:
                into = str(notice.related[0])
                text += " " + t.format("coordinators_withdrawn_merged", into=into)
            return text
        with self.store.session() as session:
            row = session.get(SignUp, notice.signup_id)
            if row is None:
                return None
            values = {"id": str(row.id), "name": row.name or "—",
                      "municipality": row.municipality or "—",
                      "phone": pretty_phone(row.phone) if row.phone else (row.contact or "—"),
                      "interests": row.interests or "—", "source": self._source(session, row)}
        if notice.kind == CONFIRMED:
            return t.format("coordinators_confirmed", **values)
        text = t.format("coordinators", **values)
        if notice.related:
            ids = ", ".join(_("no. {id}").format(id=signup_id) for signup_id in notice.related)
            text += " " + t.format("coordinators_same_phone", ids=ids)
        return text

    def _source(self, session: Session, row: SignUp) -> str:
        found = records.origin(session, row.referral_code_id)
        if found is not None:
            source = found.describe()
        elif row.code_given:
            source = self.texts.format("source_unknown_code", code=row.code_given)
        else:
            source = self.texts["source_none"]
        return f"{source} ({row.channel})" if row.channel else source
