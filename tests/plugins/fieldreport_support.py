"""What the photo-report tests of every bot share: photos, a desk that notes presses, and
the centre's side (invitations, the library, a campaign slot due now)."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlmodel import select

from outreach.channels import Incoming, Reply, SignupDesk
from outreach.db.models import Story, utcnow
from outreach.people import roster

if TYPE_CHECKING:
    from outreach.config import Config
    from outreach.db import Store
    from outreach.db.states import PersonRole
    from outreach.engine.service import Service

CAMPAIGN = """\
name = "Отчёты с мест"
time_zone = "UTC"

[schedule]
dates = [{due}]

[post]
template = "{{title}}\\n\\n{{body}}"

[channels]
names = {channels}
"""


def jpeg(size: tuple[int, int], colour: str = "teal") -> bytes:
    """A plain JPEG of ``size`` in ``colour``."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", quality=90)
    return out.getvalue()


class PressRecorder(SignupDesk):
    """Notes what arrives; answers Approve on report 1 with a toast and an edit of the card,
    and More with a toast and a private message."""

    def __init__(self) -> None:
        self.seen: list[Incoming] = []

    def handle(self, channel: str, message: Incoming) -> list[Reply]:
        self.seen.append(message)
        if message.choice == "c:approve:1":
            return [Reply("Одобрено", toast=True), Reply("Одобрила Ольга", edit=True)]
        if message.choice == "c:more:1":
            return [Reply("Подробности — в личном чате", toast=True),
                    Reply("Отчёт №1: три фото")]
        return []

    def joined(self, channel: str, person: str, at: object) -> None:  # type: ignore[override]
        pass


class ReportCentre:
    """The centre's side of an end-to-end test: a subclass holds ``store``, ``config`` and
    ``registry``."""

    store: Store
    config: Config
    registry: Any

    def invite(self, role: PersonRole, name: str, municipality: str | None = "Миасс") -> str:
        return roster.invite(self.store, role, municipality=municipality, name=name,
                             actor="cli:test").code

    def stories(self) -> list[Story]:
        with self.store.session() as session:
            return list(session.exec(select(Story)))

    def campaign(self) -> Service:
        """A campaign to every channel with a slot due now; the service that runs it."""
        from outreach.engine.service import Service

        due = (utcnow() - dt.timedelta(seconds=30)).replace(microsecond=0, tzinfo=None)
        folder = self.config.campaigns_dir
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "field.toml").write_text(CAMPAIGN.format(
            due=due.isoformat(), channels=json.dumps(sorted(self.config.channels))),
            encoding="utf-8")
        return Service(self.config, self.store, self.registry)


def answer_by_buttons(press: Callable[[str], object], waited: Callable[[int], str],
                      before: int, caption: str, consent: str = "Yes, everyone") -> None:
    """A reporter who sent photos with ``caption`` answers the report dialog button by button:
    Done, the suggested title, Today, Миасс, photo report, ``consent``. ``waited(n)`` waits
    for the bot's ``n``-th message to the reporter and gives its text; ``before`` came earlier."""
    assert "photos" in waited(before + 1)  # received (or arriving), with "Done"
    press("✅")
    assert "3 photos" in waited(before + 2)  # the report has 3 photos
    assert "What shall we call" in waited(before + 3)
    press(caption.split("\n")[0][:10])  # the suggested title
    for step, answer in enumerate(("Today", "Миасс", "📷"), start=4):
        waited(before + step)
        press(answer)
    assert "agree" in waited(before + 7)
    press(consent)  # "Yes, everyone", not "Yesterday"
