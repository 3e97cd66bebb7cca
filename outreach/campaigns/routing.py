"""Which channels a campaign sends a story to: by name, by channel tag, by municipality."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from outreach.campaigns.spec import CampaignSpec
    from outreach.config import Config


def _same_place(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return a.strip().casefold() == b.strip().casefold()


def fixed_channels(spec: CampaignSpec, config: Config) -> list[str]:
    """Enabled channels named by the campaign or carrying one of its tags, in a stable order.

    Names come first, in the campaign's order; then tagged channels in config.toml's order.
    """
    chosen: list[str] = []
    for name in spec.channels.names:
        channel = config.channels.get(name)
        if channel is not None and channel.enabled and name not in chosen:
            chosen.append(name)
    wanted = set(spec.channels.tags)
    for name, channel in config.channels.items():
        if channel.enabled and wanted.intersection(channel.tags) and name not in chosen:
            chosen.append(name)
    return chosen


def channels_for(spec: CampaignSpec, municipality: str | None, config: Config) -> list[str]:
    """The enabled channels a story from ``municipality`` goes to under ``spec``, without
    repeats.

    With ``by_municipality`` a story also goes to every channel whose
    municipality is the story's (compared ignoring case), after the fixed ones.
    """
    chosen = fixed_channels(spec, config)
    if spec.channels.by_municipality:
        for name, channel in config.channels.items():
            if (channel.enabled and name not in chosen
                    and _same_place(channel.municipality, municipality)):
                chosen.append(name)
    return chosen


def possible_channels(spec: CampaignSpec, config: Config) -> list[str]:
    """Every enabled channel the campaign can reach, for listings."""
    chosen = fixed_channels(spec, config)
    if spec.channels.by_municipality:
        chosen += [name for name, channel in config.channels.items()
                   if channel.enabled and channel.municipality and name not in chosen]
    return chosen
