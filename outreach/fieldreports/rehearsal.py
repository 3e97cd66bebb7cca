"""The sandbox's photo report: in the first minutes of ``outreach run --sandbox`` a
simulated reporter sends one, and the log says how to approve it.

A reporter and a coordinator of the sandbox are invited (once; later runs give
them fresh links), and the fake of the coordinators' channel plays them
(``FakePlatform.rehearse_report``): the report travels from a phone to the
library, its card to the coordinators' chat, and — when a campaign's slot comes
— to the channels.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.db.states import PersonRole
from outreach.i18n import _
from outreach.people import roster

if TYPE_CHECKING:
    from outreach.config import Config
    from outreach.db import Store
    from outreach.platforms.registry import Registry
    from outreach.platforms.sandbox import Sandbox

log = logging.getLogger("outreach.sandbox")

REPORTER = "Галина Петрова (песочница)"
COORDINATOR = "Ольга (песочница)"
# Of the fake's clock, which the sandbox runs ``speed`` times as fast: at 60 times,
# the report comes 20 seconds after the start and is approved a minute after its card.
START_AFTER = dt.timedelta(minutes=20)
APPROVE_AFTER = dt.timedelta(minutes=60)


def rehearse(config: Config, store: Store, registry: Registry, sandbox: Sandbox,
             speed: float = 1.0) -> bool:
    """Set the sandbox's reporter going; False when no fake can play one."""
    channel = config.signups.coordinators_channel
    chat = config.signups.coordinators_chat
    if not channel or channel not in config.channels:
        return False
    fake = sandbox.fakes.get(config.channels[channel].plugin)
    if fake is None:
        return False
    photos = _photos(config)
    if not photos:
        return False
    reporter = _invite(store, PersonRole.reporter, REPORTER,
                       config.municipalities[0] if config.municipalities else None)
    coordinator = _invite(store, PersonRole.coordinator, COORDINATOR, None)
    caption = _("Master class in Nordic walking\nFifteen volunteers walked round the park "
                "and learnt to hold the poles right.")
    if not fake.rehearse_report(reporter, coordinator, photos, caption, chat,
                                start_after=START_AFTER.total_seconds(),
                                approve_after=APPROVE_AFTER.total_seconds()):
        return False
    log.info(_("Sandbox: in about {start} seconds a simulated reporter sends a photo report "
               "to the bot of {channel}. Its card comes to the coordinators' chat, and a "
               "simulated coordinator presses “Approve” about {approve} seconds later — or "
               "approve it yourself first with the command the log will show.").format(
                   start=round(START_AFTER.total_seconds() / max(speed, 1.0)),
                   approve=round(APPROVE_AFTER.total_seconds() / max(speed, 1.0)),
                   channel=channel))
    return True


def _invite(store: Store, role: PersonRole, name: str, municipality: str | None) -> str:
    """A fresh link for the sandbox's person called ``name`` (made the first time)."""
    with store.session() as session:
        known = [p for p in roster.list_people(session, role=role) if p.name == name]
    person_id = known[0].id if known else None
    return roster.invite(store, role, municipality=municipality, name=name,
                         actor="service", person_id=person_id).code


def _photos(config: Config) -> list[Path]:
    """Three photos of the sample library (``outreach init --samples``), or made ones."""
    found = sorted(config.media_dir.glob("samples/*/*.jpg"))[:3]
    if found:
        return found
    from PIL import Image, ImageDraw

    folder = config.data_dir / "sandbox" / "report-photos"
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for number, colour in enumerate(((70, 130, 90), (200, 150, 60), (60, 110, 170)), 1):
        path = folder / f"{number:02d}.jpg"
        if not path.exists():
            image = Image.new("RGB", (1280, 960), colour)
            ImageDraw.Draw(image).ellipse((440, 280, 840, 680), fill=(240, 240, 230))
            image.save(path, "JPEG", quality=88)
        made.append(path)
    return made
