"""A press release: what it says, built once, and its plain-text rendering.

``build_release`` reads the story (its Markdown body, not the campaign's post,
which repeats the title and adds hashtags) into a ``Release``: dateline (city,
date), headline once, lead, body paragraphs and quotes, photo captions with
credits, how to join (the phone and the outlet's short code), the contact
person. The TXT here, the DOCX and PDF (``documents``), the radio text and
the TV note (``broadcast``) all render that one outline, so they never
disagree. Every word of its own is in the reader's language.

A quote is a Markdown blockquote in the story (``> «…», — говорит …``):
see docs/stories.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from outreach.channels import _, format_date, pgettext, to_plain_text

if TYPE_CHECKING:
    from outreach.channels import Centre, Post

# A credit written as "Фото: Ирина Петрова" or "Photo: …": the label is ours to add.
_CREDIT_LABEL = re.compile(r"^\s*(фото|фотограф|photo|photograph|photographer)\s*[:.—-]\s*",
                           re.IGNORECASE)
_QUOTE_LINE = re.compile(r"^\s*>\s?")


@dataclass(frozen=True)
class Block:
    """A paragraph of the body; ``quote`` marks a person's own words."""

    text: str
    quote: bool = False


@dataclass(frozen=True)
class Caption:
    file: str  # the photo's name in the kit
    caption: str
    credit: str  # the author's name alone, without "Фото:"


@dataclass(frozen=True)
class Release:
    city: str
    day: dt.date
    headline: str
    lead: str
    blocks: list[Block]
    photos: list[Caption]
    centre: str
    phone: str  # the number to call to join
    code: str | None  # the short code to give on the phone
    link: str | None  # sign-up link, for print only (never read on radio)
    contact_person: str
    contact_phone: str
    contact_email: str
    website: str
    municipality: str | None = None
    event_day: dt.date | None = None
    outlet: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def dateline(self) -> str:
        """"Миасс, 2 декабря 2026 г." — where and when the release is written."""
        when = format_date(self.day)
        return f"{self.city}, {when}" if self.city else when

    @property
    def quotes(self) -> list[Block]:
        return [block for block in self.blocks if block.quote]

    def join_lines(self) -> list[str]:
        """How a reader joins: the phone with the code, and the link where there is one."""
        lines = []
        if self.phone and self.code:
            lines.append(_("To become a volunteer, call {phone} and give the code {code}.")
                         .format(phone=self.phone, code=self.code))
        elif self.phone:
            lines.append(_("To become a volunteer, call {phone}.").format(phone=self.phone))
        if self.link:
            lines.append(_("Sign up online: {link}").format(link=self.link))
        return lines

    def contact_lines(self) -> list[str]:
        """The person journalists call, then the centre."""
        return [line for line in (
            self.contact_person,
            self.contact_phone and _("Phone: {phone}").format(phone=self.contact_phone),
            self.contact_email and _("E-mail: {email}").format(email=self.contact_email),
            self.centre,
            self.website and _("Website: {website}").format(website=self.website),
        ) if line]


def clean_credit(credit: str | None) -> str:
    """The photographer's name from a credit ("Фото: Ирина Петрова" -> "Ирина Петрова")."""
    return _CREDIT_LABEL.sub("", credit or "").strip()


def caption_line(photo: Caption) -> str:
    """"01.jpg — Урок профориентации. Фото: Ирина Петрова"."""
    line = photo.file
    if photo.caption:
        line += f" — {photo.caption.rstrip('.')}."
    if photo.credit:
        line += " " + _("Photo: {author}").format(author=photo.credit)
    return line


def body_blocks(markdown: str, title: str) -> list[Block]:
    """The story's paragraphs as plain text; blockquotes become quotes; a paragraph
    that only repeats the title, and a bold "sample" banner line, stay out."""
    blocks: list[Block] = []
    for paragraph in re.split(r"\n\s*\n", markdown.replace("\r\n", "\n")):
        lines = [line for line in paragraph.split("\n") if line.strip()]
        if not lines:
            continue
        quote = all(_QUOTE_LINE.match(line) for line in lines)
        text = " ".join(to_plain_text("\n".join(lines)).split())
        if not text or _same(text, title) or text.startswith("#"):
            continue
        blocks.append(Block(text, quote))
    return blocks


def _same(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return " ".join(s.lower().strip(" .!").split())
    return norm(a) == norm(b)


def build_release(post: Post, photos: Sequence[tuple[str, Any]], centre: Centre | None,
                  day: dt.date, code: str | None, link: str | None,
                  outlet: str | None = None) -> Release:
    """The release of ``post`` for ``outlet`` (None: for anyone), with its own ``code``.

    ``photos`` are (file name in the kit, PostPhoto) pairs.
    """
    extra = post.extra or {}
    body = str(extra.get("body") or post.text)
    blocks = body_blocks(body, post.title)
    summary = str(extra.get("summary") or "").strip()
    if summary:
        lead = summary
    else:
        first = next((b for b in blocks if not b.quote), None)
        lead = first.text if first else ""
        blocks = [b for b in blocks if b is not first]
    event = extra.get("event_date")
    city = post.municipality or (centre.city if centre is not None else "")
    return Release(
        city=city or "",
        day=day,
        headline=post.title.strip(),
        lead=lead,
        blocks=blocks,
        photos=[Caption(name, (photo.caption or "").strip(), clean_credit(photo.credit))
                for name, photo in photos],
        centre=centre.name if centre is not None else "",
        phone=centre.phone if centre is not None else "",
        code=code,
        link=link,
        contact_person=centre.contact_person if centre is not None else "",
        contact_phone=centre.contact_phone if centre is not None else "",
        contact_email=centre.contact_email if centre is not None else "",
        website=centre.website if centre is not None else "",
        municipality=post.municipality,
        event_day=dt.date.fromisoformat(event) if isinstance(event, str) else None,
        outlet=outlet,
        extra=extra,
    )


def headings() -> dict[str, str]:
    """The release's section headings, in the reader's language."""
    return {
        "kind": pgettext("press kit heading", "Press release"),
        "photos": pgettext("press kit heading", "Photos"),
        "join": pgettext("press kit heading", "How to join"),
        "contact": pgettext("press kit heading", "Contact for the press"),
        "for": pgettext("press kit heading", "Prepared for"),
    }


def release_text(release: Release) -> str:
    """The release as plain text, for pasting into an editor's system."""
    head = headings()
    parts = [head["kind"].upper(), "", release.dateline, "", release.headline, ""]
    if release.lead:
        parts += [release.lead, ""]
    for block in release.blocks:
        parts += [block.text, ""]
    sections = [
        (head["photos"], [caption_line(p) for p in release.photos]),
        (head["join"], release.join_lines()),
        (head["contact"], release.contact_lines()),
        (head["for"], [release.outlet] if release.outlet else []),
    ]
    for heading, lines in sections:
        if lines:
            parts += [heading.upper()] + lines + [""]
    return "\n".join(parts).rstrip() + "\n"
