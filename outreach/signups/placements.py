"""Placements (a poster at one office, for one campaign) and outlets (a newspaper that
gets press kits), each with its referral code and the sign-ups it brought.

Placements are listed in campaign files (``[[placements]]``); a name is matched
whatever its case and spacing, so a poster ordered for "пенсионный фонд,
миасс" keeps the code of "Пенсионный фонд, Миасс".
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from outreach.errors import NotFoundError, OutreachError, did_you_mean
from outreach.i18n import _
from outreach.signups.referrals import outlet_code, placement_code, unstored_placement_code

if TYPE_CHECKING:
    from sqlmodel import Session

    from outreach.campaigns.spec import CampaignSpec
    from outreach.channels import Channel
    from outreach.config import Config
    from outreach.db.models import ReferralCode


@dataclass(frozen=True)
class Placement:
    """A placement or outlet with its code, as ``outreach posters placements`` lists it."""

    campaign: str | None  # the campaign file's slug; None for an outlet or a one-off poster
    placement: str  # its name, as the campaign file or the channel's config writes it
    kind: str  # "placement" or "outlet"
    code: str  # the long code, for links and QR codes
    short_code: str  # the code a person says on the phone: "MIA-7"
    signups: int = 0  # people who signed up with this code
    municipality: str | None = None  # where it is, as the campaign file says: a stand's news


def placement_for(session: Session, config: Config, placement: str,
                  campaign: str | None = None) -> Placement:
    """The code of ``placement``, made on first use and the same ever after.

    A placement a campaign file lists (in ``campaign`` only, when given) keeps
    that campaign's code and the file's spelling; any other is a one-off.
    """
    spec = campaign_for(config, placement, campaign)
    campaign_id, municipality = None, None
    if spec is not None:
        campaign_id = campaign_row(session, spec)
        listed = next((p for p in spec.placements if _same(p.name, placement)), None)
        if listed is not None:
            placement, municipality = listed.name, listed.municipality
    code = placement_code(session, campaign_id, placement, config.municipalities)
    return dataclasses.replace(_placement(code, spec.slug if spec is not None else None),
                               municipality=municipality)


def outlet_for(session: Session, config: Config, outlet: str, channel: str) -> Placement:
    """The code of an outlet of ``channel``, made on first use."""
    return _placement(outlet_code(session, outlet, channel, config.municipalities), None)


def campaign_placements(session: Session, config: Config) -> None:
    """Give every placement of every valid campaign file its code, if it has none yet."""
    from outreach.campaigns.spec import load_campaigns

    specs, _problems = load_campaigns(config)
    for spec in specs:
        if spec.placements:
            campaign_id = campaign_row(session, spec)
            for place in spec.placements:
                placement_code(session, campaign_id, place.name, config.municipalities)


def campaign_places(session: Session, config: Config, channel: Channel, spec: CampaignSpec,
                    campaign_id: int | None, *, store: bool = True) -> list[dict[str, Any]]:
    """The campaign file's placements, each with its own code (made on first use, the same
    ``outreach posters placements`` lists) and sign-up link, for a channel that prints
    posters for each place (``Channel.poster_formats``). Keys: name, municipality,
    formats, short_code, link, stored.

    ``store=False`` (a preview) stores nothing: a place without a code yet shows the short
    code it would get, with ``stored`` false.
    """
    if channel.poster_formats() is None:
        return []
    found: list[dict[str, Any]] = []
    promised: list[str] = []
    for place in spec.placements:
        if store:
            code = placement_code(session, campaign_id, place.name, config.municipalities)
        else:
            code = unstored_placement_code(session, campaign_id, place.name,
                                           config.municipalities, promised)
            promised.append(code.short_code or "")
        found.append({"name": place.name, "municipality": place.municipality,
                      "formats": list(place.formats), "short_code": code.short_code,
                      "link": channel.signup_link(code.short_code or code.code),
                      "stored": code.id is not None})
    return found


def campaign_id_of(session: Session, slug: str) -> int | None:
    """The store's id of campaign ``slug``, or None when the service has not run it yet."""
    from sqlmodel import select

    from outreach.db.models import Campaign

    return session.exec(select(Campaign.id).where(Campaign.slug == slug)).first()


def placements(session: Session) -> list[Placement]:
    """Every placement and outlet with a code, with the sign-ups each brought."""
    import sqlalchemy as sa
    from sqlmodel import col, select

    from outreach.db.models import Campaign, ReferralCode, SignUp

    query = (select(SignUp.referral_code_id, sa.func.count())
             .group_by(col(SignUp.referral_code_id)))
    counts = {code_id: count for code_id, count in session.exec(query)}
    slugs = {c.id: c.slug for c in session.exec(select(Campaign))}
    codes = (select(ReferralCode).where(col(ReferralCode.kind).in_(("placement", "outlet")))
             .order_by(col(ReferralCode.campaign_id), col(ReferralCode.id)))
    return [_placement(code, slugs.get(code.campaign_id), counts.get(code.id, 0))
            for code in session.exec(codes)]


def campaign_for(config: Config, placement: str | None,
                 slug: str | None) -> CampaignSpec | None:
    """The campaign whose file lists ``placement`` (in ``slug`` only, when given)."""
    from outreach.campaigns.spec import load_campaign, load_campaigns

    if slug is not None:
        spec = load_campaign(config, slug)
        if placement and not _lists(spec, placement):
            names = [p.name for p in spec.placements]
            known = (_("; its placements: {names}").format(names="; ".join(names)) if names
                     else _("; it lists no placements"))
            raise NotFoundError(
                _("campaign {slug} has no placement {placement!r}").format(
                    slug=slug, placement=placement)
                + did_you_mean(placement, names) + known)
        return spec
    if not placement:
        return None
    specs, _problems = load_campaigns(config)
    found = [spec for spec in specs if _lists(spec, placement)]
    if len(found) > 1:
        raise OutreachError(
            _("placement {placement!r} is in several campaigns ({slugs}); choose one with "
              "--campaign").format(placement=placement,
                                   slugs=", ".join(s.slug for s in found)))
    return found[0] if found else None


def campaign_row(session: Session, spec: CampaignSpec) -> int:
    """The store's id of a campaign, adding its row when the service has not run it yet."""
    from sqlmodel import select

    from outreach.db.models import Campaign, utcnow

    row = session.exec(select(Campaign).where(Campaign.slug == spec.slug)).first()
    if row is None:
        row = Campaign(slug=spec.slug, name=spec.name, definition_hash=spec.definition_hash,
                       active=spec.active, updated_at=utcnow())
        session.add(row)
        session.flush()
    assert row.id is not None
    return row.id


def _placement(code: ReferralCode, campaign: str | None, signups: int = 0) -> Placement:
    return Placement(campaign=campaign, placement=code.placement or "", kind=code.kind,
                     code=code.code, short_code=code.short_code or "", signups=signups)


def _same(name: str, given: str) -> bool:
    return " ".join(name.split()).lower() == " ".join(given.split()).lower()


def _lists(spec: CampaignSpec, placement: str) -> bool:
    return any(_same(p.name, placement) for p in spec.placements)
