"""One story as one channel receives it: text fitted to its limits, photos fitted to its media.

The preview and the dispatcher both call ``render_post``, so what a person
previews is exactly what goes out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from outreach.errors import OutreachError
from outreach.i18n import _, format_number, lazy_gettext, ngettext
from outreach.text.templates import FittedText, fit, story_values

if TYPE_CHECKING:
    from outreach.campaigns.spec import CampaignSpec
    from outreach.config import Config
    from outreach.db.models import Photo, Story
    from outreach.media.renditions import Rendition, RenditionCache, Watermark


# The parts of a story a post may shorten, as ``FittedText.trimmed`` names them.
PARTS = {"body": lazy_gettext("the text"), "summary": lazy_gettext("the summary"),
         "title": lazy_gettext("the title")}


@dataclass
class RenderedPost:
    fitted: FittedText
    limit: int
    signup_link: str | None
    photos: list[tuple[Photo, Rendition]] = field(default_factory=list)
    left_out: int = 0  # photos beyond the channel's max_photos
    photo_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.fitted.text


def render_post(spec: CampaignSpec, story: Story, photos: Sequence[Photo], limits_of: Any,
                cache: RenditionCache, *, signup_link: str | None,
                watermark: Watermark | None = None) -> RenderedPost:
    """Fit ``story`` to the channel whose limits ``limits_of`` declares (class or instance)."""
    from outreach.library.stories import photo_path

    media = limits_of.media_limits
    kept = list(photos[: media.max_photos])
    rendered: list[tuple[Photo, Rendition]] = []
    errors: list[str] = []
    notes: list[str] = []
    left_out = len(photos) - len(kept)
    if left_out:
        notes.append(ngettext("{count} photo left out: the channel takes at most {most}",
                              "{count} photos left out: the channel takes at most {most}",
                              left_out).format(count=format_number(left_out),
                                               most=format_number(media.max_photos)))
    for photo in kept:
        try:
            rendered.append((photo, cache.get(photo_path(story, photo), photo.sha256, media,
                                              watermark=watermark)))
        except OutreachError as exc:
            errors.append(_("photo {file}: {reason}").format(file=photo.file, reason=exc))
    values = story_values(
        title=story.title, body=story.body, summary=story.summary,
        event_date=story.event_date, municipality=story.municipality,
        hashtags=spec.post.hashtags, call_to_action=spec.post.call_to_action,
        signup_link=signup_link,
    )
    limit = limits_of.text_limits.for_post(bool(rendered))
    fitted = fit(spec.post.template, values, limit)
    if fitted.problem:
        notes.append(fitted.problem)
    elif fitted.trimmed:
        parts = ", ".join(str(PARTS.get(part, part)) for part in fitted.trimmed)
        notes.append(_("shortened to fit {limit} characters: {parts}").format(
            limit=format_number(limit), parts=parts))
    return RenderedPost(fitted=fitted, limit=limit, signup_link=signup_link, photos=rendered,
                        left_out=left_out, photo_errors=errors, notes=notes + errors)


def channel_watermark(config: Config, channel: str) -> Watermark | None:
    """The logo watermark configured for ``channel``, if any."""
    from outreach.media.renditions import Watermark

    settings = config.channels.get(channel)
    if settings is None or not settings.watermark:
        return None
    return Watermark(**settings.watermark)
