"""The radio text (30–45 seconds read aloud) and the TV note of a release.

Radio: the lead and the body's sentences in order, each taken while the text
still fits 45 seconds with the closing call (the phone and the code spelled
for reading); no links. Its first line tells the announcer how long it runs
by ``speech.seconds``. In Russian, dates, the phone and the code are written
out in words (``speech``); in another language they stay as printed.

TV: what can be filmed (the photos' scenes), where and when, who can speak on
camera (the people quoted, and the contact person), and the contact.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from outreach.channels import _, current_language, format_date, format_number, pgettext
from outreach_local_media import speech
from outreach_local_media.release import Release

MIN_SECONDS = 30.0
MAX_SECONDS = 45.0

_LINK = re.compile(r"\(?\b(?:https?://|www\.)\S+\)?")
# "…», — говорит наставница Галина Николаевна." -> "наставница Галина Николаевна"
_SAID_BY = re.compile(
    r"[—-]\s*(?:говорит|говорят|рассказывает|рассказала|рассказал|отмечает|делится|"
    r"вспоминает|считает|признаётся|признается|says|said)\s+([^.!?]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Radio:
    text: str  # what the announcer reads, without the header
    seconds: float

    def render(self) -> str:
        header = pgettext("press kit heading", "Radio text")
        timing = _("Reading time: about {seconds} seconds ({rate} characters a second, "
                   "an unhurried announcer's pace).").format(
            seconds=format_number(round(self.seconds)),
            rate=format_number(int(speech.CHARS_PER_SECOND)))
        lines = [header.upper(), timing]
        if self.seconds < MIN_SECONDS:
            lines.append(_("Shorter than 30 seconds: the story has little text; the "
                           "announcer may add a word about the centre."))
        return "\n".join(lines) + "\n\n" + self.text + "\n"


def _spoken(text: str) -> str:
    text = _LINK.sub("", text)
    if current_language() == "ru":
        text = speech.dates_in_words(text)
    return " ".join(text.split())


def radio_text(release: Release) -> Radio:
    """The release as 30–45 seconds of speech, by ``speech.seconds``."""
    russian = current_language() == "ru"
    phone = speech.phone_words(release.phone) if russian else release.phone
    code = speech.code_words(release.code) if russian and release.code else release.code
    if phone and code:
        closing = _("To become a silver volunteer, call {phone} and give the code {code}.")
    elif phone:
        closing = _("To become a silver volunteer, call {phone}.")
    else:
        closing = ""
    closing = closing.format(phone=phone, code=code)
    chosen: list[str] = []
    candidates = [s for block in [release.lead, *(b.text for b in release.blocks)]
                  for s in speech.sentences(_spoken(block))]
    for sentence in candidates:
        trial = " ".join([*chosen, sentence, closing])
        if speech.seconds(trial) <= MAX_SECONDS:
            chosen.append(sentence)
        elif chosen and speech.seconds(" ".join([*chosen, closing])) >= MIN_SECONDS:
            break  # long enough: a later sentence out of order would read oddly
    if not chosen and candidates:
        # One sentence too long to fit: cut it at a word, so the call still goes out.
        room = int(MAX_SECONDS * speech.CHARS_PER_SECOND) - len(closing) - 2
        chosen = [candidates[0][:max(room, 0)].rsplit(" ", 1)[0] + "…"]
    text = " ".join([*chosen, closing]).strip()
    return Radio(text=text, seconds=speech.seconds(text))


def speakers(release: Release) -> list[str]:
    """Who can speak on camera: the people quoted in the story, then the contact person."""
    found: list[str] = []
    for block in release.quotes:
        match = _SAID_BY.search(block.text)
        if match:
            name = match.group(1).strip(" ,.»\"")
            if name and name not in found:
                found.append(name)
    if release.contact_person and release.contact_person not in found:
        found.append(_("{person}, contact person of the centre").format(
            person=release.contact_person))
    return found


def tv_note(release: Release, today: dt.date | None = None) -> str:
    """A note for a TV newsroom: what to film, where and when, who speaks, whom to call."""
    today = today or release.day
    scenes = [p.caption for p in release.photos if p.caption] or [release.lead]
    place = release.municipality or release.city
    if release.event_day is not None and release.event_day >= today:
        when = _("{date}; the time can be agreed with the contact person.").format(
            date=format_date(release.event_day))
    elif release.event_day is not None:
        when = _("The event took place on {date}. The volunteers meet regularly: the contact "
                 "person will tell when the next meeting can be filmed.").format(
            date=format_date(release.event_day))
    else:
        when = _("By arrangement with the contact person.")
    parts = [
        pgettext("press kit heading", "Note for television").upper(),
        "",
        release.headline,
        "",
        pgettext("press kit heading", "What can be filmed").upper(),
        *[f"— {scene}" for scene in scenes if scene],
        "",
        pgettext("press kit heading", "Where and when").upper(),
        *([place] if place else []),
        when,
        "",
    ]
    people = speakers(release)
    if people:
        parts += [pgettext("press kit heading", "Who can speak on camera").upper(),
                  *[f"— {person}" for person in people], ""]
    contact = release.contact_lines()
    if contact:
        parts += [pgettext("press kit heading", "Contact for the press").upper(), *contact, ""]
    join = release.join_lines()
    if join:
        parts += [pgettext("press kit heading", "How to join").upper(), *join, ""]
    return "\n".join(parts).rstrip() + "\n"
