"""``outreach posters``: render a poster for a story and list placements with their codes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from outreach.cli.output import echo_rows, format_option
from outreach.errors import NotFoundError, OutreachError, did_you_mean
from outreach.i18n import N_

if TYPE_CHECKING:
    from sqlmodel import Session

    from outreach.campaigns.spec import CampaignSpec
    from outreach.channels import Channel
    from outreach.cli import App
    from outreach.config import Config

PLACEMENT_COLUMNS = ("campaign", "placement", "kind", "short_code", "signups", "link")


@click.group()
def posters() -> None:
    """Render posters and stands; list placements and their codes."""


@posters.command("render")
@click.argument("story_id", type=int, metavar=N_("STORY_ID"))
@click.option("--format", "layout", default="a4", show_default=True,
              help=N_("Poster format: a4, a3, stand, billboard, social, or one from config."))
@click.option("--placement", default=None,
              help=N_("Where the poster goes; a placement of a campaign file keeps its code."))
@click.option("--campaign", "campaign_slug", default=None,
              help=N_("Look the placement up in this campaign only."))
@click.option("--channel", "channel_name", default=None,
              help=N_("The channel that makes posters (default: the only one that does)."))
@click.option("--output", "output_dir", type=click.Path(path_type=Path), default=None,
              help=N_("Folder for the files (default: <output>/posters)."))
@click.pass_obj
def render(app: App, story_id: int, layout: str, placement: str | None,
           campaign_slug: str | None, channel_name: str | None, output_dir: Path | None) -> None:
    """Render story STORY_ID as a print-ready PDF and a PNG preview."""
    from outreach.channels import Post, PostPhoto
    from outreach.library.stories import get_story, photo_path, photos_of
    from outreach.media.renditions import RenditionCache
    from outreach.signups.referrals import placement_code

    config = app.config
    name, channel = _poster_channel(app, channel_name)
    spec = _campaign_for(config, placement, campaign_slug)
    cache = RenditionCache(config.cache_dir)
    with app.store.session() as session:
        story = get_story(session, story_id)
        photos = [
            PostPhoto(path=cache.get(photo_path(story, p), p.sha256, channel.media_limits).path,
                      caption=p.caption, alt=p.alt, credit=p.credit)
            for p in photos_of(session, story_id)
        ]
        code = None
        if placement:
            campaign_id = None
            if spec is not None:
                campaign_id = _campaign_id(session, spec)
                placement = next(p.name for p in spec.placements if _same(p.name, placement))
            code = placement_code(session, campaign_id, placement, config.municipalities)
    link = channel.signup_link(code.code) if code is not None else None
    post = Post(
        publication_id=0, idempotency_key=f"poster-{story_id}", text=story.body,
        title=story.title, photos=photos, story_id=story_id, municipality=story.municipality,
        referral_code=code.short_code if code is not None else None, signup_link=link,
        # A campaign's call to action is written for posts ("follow the link:"); a poster
        # takes the poster channel's own.
        extra={"summary": story.summary or ""},
    )
    result = channel.render_poster(
        post, layout, output_dir or config.output_dir / "posters")
    for path in (result.pdf, result.png):
        if path is not None:
            click.echo(f"wrote  {path}")
    if code is not None:
        where = f" (campaign {spec.slug})" if spec is not None else ""
        click.echo(f"placement  {code.placement}{where}: code {code.short_code}")
        if link is None:
            click.echo(f"No QR code on the poster: set signup_url in [channels.{name}] of "
                       f"{config.source}, e.g. signup_url = "
                       "\"https://t.me/your_bot?start={code}\"; the poster shows the phone "
                       "and the code to say.")
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)


@posters.command("placements")
@click.option("--channel", "channel_name", default=None,
              help=N_("The channel whose sign-up link is shown (default: the poster channel)."))
@format_option()
@click.pass_obj
def placements(app: App, channel_name: str | None, fmt: str) -> None:
    """Placements and outlets with their codes and the sign-ups each brought.

    Every placement of a valid campaign file and every outlet of the poster
    channel gets its code here if it has none yet.
    """
    from outreach.campaigns.spec import load_campaigns
    from outreach.signups.referrals import outlet_code, placement_code

    config = app.config
    name, channel = _poster_channel(app, channel_name, required=False)
    specs, _problems = load_campaigns(config)
    with app.store.session() as session:
        for spec in specs:
            if spec.placements:
                campaign_id = _campaign_id(session, spec)
                for place in spec.placements:
                    placement_code(session, campaign_id, place.name, config.municipalities)
        for outlet in (channel.outlets() if channel is not None else ()):
            outlet_code(session, outlet, name, config.municipalities)
        rows = _placement_rows(session, channel)
    echo_rows(rows, PLACEMENT_COLUMNS, fmt,
              empty="No placements yet: add placements to a campaign file "
                    "(see docs/posters.md) or outlets to the poster channel.")


def _placement_rows(session: Session, channel: Channel | None) -> list[dict[str, Any]]:
    import sqlalchemy as sa
    from sqlmodel import col, select

    from outreach.db.models import Campaign, ReferralCode, SignUp

    query = (select(SignUp.referral_code_id, sa.func.count())
             .group_by(col(SignUp.referral_code_id)))
    counts = {code_id: count for code_id, count in session.exec(query)}
    slugs = {c.id: c.slug for c in session.exec(select(Campaign))}
    codes = (select(ReferralCode).where(col(ReferralCode.kind).in_(("placement", "outlet")))
             .order_by(col(ReferralCode.campaign_id), col(ReferralCode.id)))
    rows = []
    for code in session.exec(codes):
        rows.append({
            "campaign": slugs.get(code.campaign_id),
            "placement": code.placement,
            "kind": code.kind,
            "short_code": code.short_code,
            "signups": counts.get(code.id, 0),
            "link": channel.signup_link(code.code) if channel is not None else None,
        })
    return rows


def _poster_channel(app: App, wanted: str | None,
                    required: bool = True) -> tuple[str, Any]:
    """(name, channel) of the channel that renders posters."""
    registry = app.registry
    if wanted is not None:
        channel = registry.get(wanted)  # NotFoundError / PluginError with the reason
        if not hasattr(channel, "render_poster"):
            raise OutreachError(f"channel {wanted} does not make posters; posters come from "
                                "a channel with plugin = \"local-media\"")
        return wanted, channel
    makers = {name: channel for name, channel in registry.ready().items()
              if hasattr(channel, "render_poster")}
    if len(makers) == 1:
        return next(iter(makers.items()))
    if not makers:
        if not required:
            return "", None
        raise OutreachError(f"no channel in {app.config.source} makes posters: add a section "
                            "[channels.press] with plugin = \"local-media\"")
    raise OutreachError(f"several channels make posters ({', '.join(sorted(makers))}); "
                        "choose one with --channel")


def _campaign_for(config: Config, placement: str | None,
                  slug: str | None) -> CampaignSpec | None:
    """The campaign whose file lists ``placement`` (in ``slug`` only, when given)."""
    from outreach.campaigns.spec import load_campaign, load_campaigns

    if slug is not None:
        spec = load_campaign(config, slug)
        if placement and not _lists(spec, placement):
            names = [p.name for p in spec.placements]
            raise NotFoundError(
                f"campaign {slug} has no placement {placement!r}"
                + did_you_mean(placement, names)
                + (f"; its placements: {'; '.join(names)}" if names else
                   "; it lists no placements"))
        return spec
    if not placement:
        return None
    specs, _problems = load_campaigns(config)
    found = [spec for spec in specs if _lists(spec, placement)]
    if len(found) > 1:
        raise OutreachError(f"placement {placement!r} is in several campaigns "
                            f"({', '.join(s.slug for s in found)}); choose one with --campaign")
    return found[0] if found else None


def _same(name: str, given: str) -> bool:
    return " ".join(name.split()).lower() == " ".join(given.split()).lower()


def _lists(spec: CampaignSpec, placement: str) -> bool:
    return any(_same(p.name, placement) for p in spec.placements)


def _campaign_id(session: Session, spec: CampaignSpec) -> int:
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
