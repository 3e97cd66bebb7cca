"""The press release of a kit, as Markdown and as plain text from one outline.

The outline is a title, the date, the story text and sections (photos with
captions and credits, how to join, contacts); both renderings walk it, so they
never disagree about what the release says. Every word of its own is in the
reader's language (``language`` of config.toml): headings, labels, the date
("7 декабря 2026").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from outreach.channels import _, format_date, pgettext

if TYPE_CHECKING:
    from outreach.channels import Centre, Post, PostPhoto

Section = tuple[str, list[str]]


def outline(post: Post, photos: Sequence[tuple[str, PostPhoto]], centre: Centre | None,
            outlets: Sequence[str]) -> list[Section]:
    sections: list[Section] = []
    if photos:
        lines = []
        for name, photo in photos:
            line = name
            if photo.caption:
                line += f" — {photo.caption}"
            if photo.credit:
                line += " " + _("(photo: {author})").format(author=photo.credit)
            lines.append(line)
        sections.append((pgettext("press kit heading", "Photos"), lines))
    phone = centre.phone if centre is not None else ""
    code = post.referral_code
    join = [text for text in (
        post.signup_link and _("Sign up: {link}").format(link=post.signup_link),
        code and (_("Call {phone} and give the code {code}").format(phone=phone, code=code)
                  if phone else _("Code to give when calling: {code}").format(code=code)),
    ) if text]
    if join:
        sections.append((_("How to join"), join))
    if centre is not None:
        contacts = [text for text in (
            centre.name,
            centre.slogan,
            centre.contact_person and _("Contact: {person}").format(
                person=centre.contact_person),
            centre.phone and _("Phone: {phone}").format(phone=centre.phone),
            centre.email and _("E-mail: {email}").format(email=centre.email),
            centre.website and _("Website: {website}").format(website=centre.website),
        ) if text]
        if contacts:
            sections.append((_("Contacts"), contacts))
    if outlets:
        sections.append((_("Prepared for"), list(outlets)))
    return sections


def release_markdown(post: Post, photos: Sequence[tuple[str, PostPhoto]],
                     centre: Centre | None, outlets: Sequence[str], day: dt.date) -> str:
    parts = [f"# {post.title}", "", f"*{format_date(day)}*", "", post.text.strip(), ""]
    for heading, lines in outline(post, photos, centre, outlets):
        parts += [f"## {heading}", ""] + [f"- {line}" for line in lines] + [""]
    return "\n".join(parts)


def release_text(post: Post, photos: Sequence[tuple[str, PostPhoto]],
                 centre: Centre | None, outlets: Sequence[str], day: dt.date) -> str:
    parts = [post.title, "=" * len(post.title), format_date(day), "", post.text.strip(), ""]
    for heading, lines in outline(post, photos, centre, outlets):
        parts += [heading.upper()] + [f"  {line}" for line in lines] + [""]
    return "\n".join(parts)
