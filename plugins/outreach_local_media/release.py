"""The press release of a kit, as Markdown and as plain text from one outline.

The outline is a title, the story text and sections (photos with captions
and credits, how to join, contacts); both renderings walk it, so they never
disagree about what the release says.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

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
                line += f" (photo: {photo.credit})"
            lines.append(line)
        sections.append(("Photos", lines))
    phone = centre.phone if centre is not None else ""
    join = [text for text in (
        post.signup_link and f"Sign up: {post.signup_link}",
        post.referral_code and (f"Call {phone} and give the code {post.referral_code}" if phone
                                else f"Code to give when calling: {post.referral_code}"),
    ) if text]
    if join:
        sections.append(("How to join", join))
    if centre is not None:
        contacts = [text for text in (
            centre.name,
            centre.slogan,
            centre.contact_person and f"Contact: {centre.contact_person}",
            centre.phone and f"Phone: {centre.phone}",
            centre.email and f"E-mail: {centre.email}",
            centre.website and f"Website: {centre.website}",
        ) if text]
        if contacts:
            sections.append(("Contacts", contacts))
    if outlets:
        sections.append(("Prepared for", list(outlets)))
    return sections


def release_markdown(post: Post, photos: Sequence[tuple[str, PostPhoto]],
                     centre: Centre | None, outlets: Sequence[str]) -> str:
    parts = [f"# {post.title}", "", post.text.strip(), ""]
    for heading, lines in outline(post, photos, centre, outlets):
        parts += [f"## {heading}", ""] + [f"- {line}" for line in lines] + [""]
    return "\n".join(parts)


def release_text(post: Post, photos: Sequence[tuple[str, PostPhoto]],
                 centre: Centre | None, outlets: Sequence[str]) -> str:
    parts = [post.title, "=" * len(post.title), "", post.text.strip(), ""]
    for heading, lines in outline(post, photos, centre, outlets):
        parts += [heading.upper()] + [f"  {line}" for line in lines] + [""]
    return "\n".join(parts)
