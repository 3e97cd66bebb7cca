"""A publication as its channel receives it: the story rendered by its campaign's rules."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from outreach.db.states import StoryStatus
from outreach.errors import OutreachError, PermanentError
from outreach.i18n import _

if TYPE_CHECKING:
    from sqlmodel import Session

    from outreach.campaigns.spec import CampaignSpec
    from outreach.channels import Channel, Post
    from outreach.config import Config
    from outreach.db import Store
    from outreach.media.renditions import RenditionCache


class PublicationCancelled(OutreachError):
    """The publication must not go out any more (its story was archived or lost consent)."""


def idempotency_key(publication_id: int, story_id: int, channel: str,
                    slot: dt.datetime) -> str:
    """A key that names one publication for ever (VK's guid, press-kit manifests)."""
    digest = hashlib.sha256(f"{story_id}|{channel}|{slot.isoformat()}".encode()).hexdigest()
    return f"outreach-{publication_id}-{digest[:12]}"


def publication_id_of(key: str) -> int | None:
    """The publication ``idempotency_key`` names, or None for a key it never made."""
    parts = key.split("-")
    if len(parts) != 3 or parts[0] != "outreach" or not parts[1].isdigit():
        return None
    return int(parts[1])


def build_post(store: Store, config: Config, specs: Mapping[int, CampaignSpec],
               publication_id: int, channel: Channel, cache: RenditionCache) -> Post:
    """Render publication ``publication_id`` for ``channel``.

    Raises PublicationCancelled when the story may no longer be published, and
    PermanentError (with the reason in plain words) when it cannot be rendered.
    """
    from outreach.campaigns.render import channel_watermark, render_post
    from outreach.channels import Post, PostPhoto
    from outreach.db.models import Publication, Story
    from outreach.library.stories import photos_of
    from outreach.signups.placements import campaign_places
    from outreach.signups.referrals import spoken_code
    from outreach.signups.spoken import prefix_for

    with store.session() as session:
        publication = session.get(Publication, publication_id)
        if publication is None:
            raise PermanentError(_("publication {id} no longer exists").format(
                id=publication_id))
        story = session.get(Story, publication.story_id)
        if story is None:
            raise PublicationCancelled(_("story {id} no longer exists").format(
                id=publication.story_id))
        if story.status != StoryStatus.approved:
            raise PublicationCancelled(_("story {id} is {status}, no longer approved").format(
                id=story.id, status=story.status))
        if not story.consent_recorded and photos_of(session, story.id or 0):
            raise PublicationCancelled(_("story {id} has no recorded consent any more").format(
                id=story.id))
        spec = specs.get(publication.campaign_id or 0)
        if spec is None:
            raise PermanentError(_(
                "campaign {id} has no valid campaign file loaded: check `outreach campaigns "
                "validate`").format(id=publication.campaign_id))
        photos = photos_of(session, story.id or 0)
        outlets = _outlet_codes(session, config, channel, publication.campaign_id)
        places = campaign_places(session, config, channel, spec, publication.campaign_id)
        code = publication.referral_code
        spoken = (spoken_code(session, code, prefix_for(story.municipality or "",
                                                        config.municipalities))
                  if code and channel.prints_publication_code() else None)
    link = channel.signup_link(spoken or code) if code else None
    rendered = render_post(spec, story, photos, channel, cache, signup_link=link,
                           watermark=channel_watermark(config, channel.name))
    if rendered.photo_errors:
        raise PermanentError("; ".join(rendered.photo_errors))
    if not rendered.fitted.fits:
        raise PermanentError(rendered.fitted.problem or _("the text does not fit the channel"))
    assert publication.slot is not None and story.id is not None
    return Post(
        publication_id=publication_id,
        idempotency_key=idempotency_key(publication_id, story.id, publication.channel,
                                        publication.slot),
        text=rendered.text,
        title=story.title,
        photos=[PostPhoto(path=r.path, caption=p.caption, alt=p.alt, credit=p.credit,
                          width=r.width, height=r.height) for p, r in rendered.photos],
        referral_code=code,
        signup_link=link,
        story_id=story.id,
        municipality=story.municipality,
        extra={"campaign": spec.slug, "slot": publication.slot.isoformat(),
               "summary": story.summary, "outlet_codes": outlets,
               "campaign_name": spec.name, "campaign_file": str(spec.source),
               "placements": places, "short_code": spoken,
               # A press release is written from the story itself, not from the
               # campaign's post template (which repeats the title, adds hashtags).
               "body": story.body,
               "event_date": story.event_date.isoformat() if story.event_date else None,
               "story_folder": PurePath(story.source_folder).name},
    )


def _outlet_codes(session: Session, config: Config, channel: Channel,
                  campaign_id: int | None) -> dict[str, Any]:
    """Each of the channel's outlets with its own code in the campaign, made on first use:
    a reader who phones with it, or types its link from the paper, counts for the campaign.

    The link carries the short code ("...?start=MAC-3"), not the long one: a reader
    copies it by hand from print, and the sign-up desk finds a code by either form.
    """
    from outreach.signups.referrals import outlet_code

    found: dict[str, Any] = {}
    for outlet in channel.outlets():
        code = outlet_code(session, outlet, channel.name, config.municipalities, campaign_id)
        found[outlet] = {"short_code": code.short_code,
                         "link": channel.signup_link(code.short_code or code.code)}
    return found
