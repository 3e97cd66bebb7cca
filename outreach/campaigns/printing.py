"""Checking a campaign's ``[[placements]]`` formats against the channels that print them.

A campaign file is read without its channels, so its formats are checked
where the channels are at hand: ``outreach campaigns validate`` and the
service loading campaign files. A channel that prints placements' posters
says which formats it knows (``Channel.poster_formats``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from outreach.errors import Problem, did_you_mean
from outreach.i18n import _

if TYPE_CHECKING:
    from outreach.campaigns.spec import CampaignSpec
    from outreach.config import Config
    from outreach.platforms.registry import Registry


def printing_channels(spec: CampaignSpec, config: Config,
                      registry: Registry) -> dict[str, Sequence[str]]:
    """The ready channels ``spec`` reaches that print placements, with their formats."""
    from outreach.campaigns.routing import possible_channels

    if not spec.placements:
        return {}
    ready = registry.ready()
    found: dict[str, Sequence[str]] = {}
    for name in possible_channels(spec, config):
        channel = ready.get(name)
        formats = channel.poster_formats() if channel is not None else None
        if formats is not None:
            found[name] = formats
    return found


def format_problems(spec: CampaignSpec, printers: Mapping[str, Sequence[str]]
                    ) -> list[Problem]:
    """One problem per format of a placement that a channel in ``printers`` does not know."""
    problems = []
    for place in spec.placements:
        for name in place.formats:
            for channel, formats in printers.items():
                if name not in formats:
                    problems.append(Problem(
                        str(spec.source), "placements.formats",
                        _("placement {place!r}: channel {channel} has no poster format "
                          "{name!r}{hint}; its formats: {formats} (add others in its "
                          "layouts setting)").format(place=place.name, channel=channel,
                                                     name=name, formats=", ".join(formats),
                                                     hint=did_you_mean(name, formats)),
                        _formats_line(spec, place.name)))
    return problems


def _formats_line(spec: CampaignSpec, place: str) -> int | None:
    """The line of ``formats`` in the table of placement ``place``, when it can be found."""
    try:
        lines = spec.source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    start = next((number for number, line in enumerate(lines) if place in line), None)
    if start is None:
        return None
    for number in range(start, len(lines)):
        stripped = lines[number].strip()
        if stripped.startswith("formats"):
            return number + 1
        if stripped.startswith("[") and number > start:
            break
    return start + 1
