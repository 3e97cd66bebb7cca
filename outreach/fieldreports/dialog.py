"""The reporter's dialog: photos first, then a few short questions, one at a time.

Steps, kept in ``PersonAccount.dialog`` so a restart loses nothing:
photos (1-10, as an album or one by one, with or without text; "Done") →
text (only when none came with the photos) → title (the text's first line
offered) → date (today / yesterday / another day) → municipality (the
reporter's own offered) → kind (photo report / story) → consent → finishing
(the story folder is written and imported: ``desk.FrontDesk.finish``).

Each step is a function of the stored dialog and the message, so a message
delivered twice (``Incoming.event``, handled once by the desk) or replayed
after a crash makes no second step. Photos may come at any step before
finishing; a value of a button the step did not show is read as nothing.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import re
import zoneinfo
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from outreach.channels import Reply
from outreach.db.states import StoryKind
from outreach.fieldreports import texts as t
from outreach.i18n import _, format_date, ngettext
from outreach.signups.desk import is_cancel

if TYPE_CHECKING:
    from outreach.channels import Incoming
    from outreach.config import Config
    from outreach.db.models import Person, PersonAccount
    from outreach.fieldreports.files import Taken

MAX_PHOTOS = 10  # the most one post takes on VK and Telegram
KEEP = dt.timedelta(days=1)  # a report left halfway is erased after this
TITLE_MAX, TEXT_MAX = 200, 4000
_DATE = re.compile(r"^\s*(\d{1,2})[.\-/ ](\d{1,2})(?:[.\-/ ](\d{2}|\d{4}))?\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


@dataclass
class Outcome:
    """What a step says, and what the desk does after it commits."""

    replies: list[Reply] = field(default_factory=list)
    finish: bool = False  # the report is told: write its folder and import it
    erase: bool = False  # the report was cancelled: its photos go


class ReportDialog:
    """The steps; it touches only the account and person it is given."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.zone = zoneinfo.ZoneInfo(config.time_zone)

    # --- the dialog ---

    def step(self, account: PersonAccount, person: Person, message: Incoming,
             taken: list[Taken], now: dt.datetime) -> Outcome:
        dialog: dict[str, Any] = copy.deepcopy(account.dialog or {})
        step = dialog.get("step")
        typed = (message.text or "").strip()
        if step == "finishing":
            return Outcome([Reply(_("I am saving your report; one moment, please."))])
        if is_cancel(typed) or message.choice == t.CANCEL:
            if not step:
                return Outcome([Reply(t.how_to())])
            account.dialog = pending_only(dialog)
            return Outcome([Reply(_("The report is cancelled and its photos deleted. To "
                                    "begin again, send photos."))], erase=True)
        if not step:
            if not message.files:
                if message.started:
                    return Outcome([Reply(t.greeting(person.name, person.role ==
                                                     "coordinator"))])
                return Outcome([Reply(t.how_to())])
            dialog = {**dialog, "step": "photos", "started": now.isoformat(), "photos": [],
                      "albums": [], "text": None}
            step = "photos"
        replies: list[Reply] = []
        added = self._add_photos(dialog, message, taken, replies)
        choice = message.choice if message.choice in self._offered(dialog, person) else None
        outcome = Outcome(replies)
        if step == "photos":
            self._photos_step(dialog, message, typed, choice, added, outcome)
        elif message.files:
            if added:  # photos sent later join the report; the question stands
                replies.append(Reply(ngettext(
                    "Added to the report: {count} photo in all.",
                    "Added to the report: {count} photos in all.",
                    len(dialog["photos"])).format(count=len(dialog["photos"]))))
            replies.append(self.ask(dialog, person))
        else:
            self._answer(dialog, person, typed, choice, now, outcome)
        account.dialog = dialog
        return outcome

    def resume(self, account: PersonAccount, person: Person) -> list[Reply]:
        """What a reporter coming back to a report half told is asked."""
        dialog = dict(account.dialog or {})
        return [Reply(_("Let us go on with your report.")), self.ask(dialog, person)]

    def _add_photos(self, dialog: dict[str, Any], message: Incoming, taken: list[Taken],
                    replies: list[Reply]) -> int:
        photos: list[dict[str, Any]] = dialog["photos"]
        known = {p["unique"] for p in photos} | {p["sha256"] for p in photos}
        added = 0
        for item in taken:
            if item.reason:
                replies.append(Reply(item.reason))
                continue
            if item.unique_id in known or item.sha256 in known:
                replies.append(Reply(_("This photo is already in the report; I keep one "
                                       "copy.")))
                continue
            if len(photos) >= MAX_PHOTOS:
                replies.append(Reply(ngettext(
                    "A report takes at most {count} photo; I did not keep this one.",
                    "A report takes at most {count} photos; I did not keep this one.",
                    MAX_PHOTOS).format(count=MAX_PHOTOS)))
                continue
            photos.append({"unique": item.unique_id, "file": item.name, "sha256": item.sha256})
            known |= {item.unique_id, item.sha256 or ""}
            added += 1
        kept = any(not item.reason for item in taken)  # a photo of it is in the report
        if message.files and kept and message.text and message.text.strip():
            # A caption: the report's text (captions of several messages add up). A
            # caption of a video or a file that was refused is not the report's.
            dialog["text"] = _join(dialog.get("text"), message.text.strip())
        return added

    def _photos_step(self, dialog: dict[str, Any], message: Incoming, typed: str,
                     choice: str | None, added: int, outcome: Outcome) -> None:
        count = len(dialog["photos"])
        if message.files:
            album = message.album
            if album and album in dialog["albums"]:
                return  # one answer per album, not one per photo of it
            if added:
                if album:  # answered once it holds a photo: the answer carries "Done"
                    dialog["albums"] = [*dialog["albums"][-20:], album]
                    outcome.replies.append(Reply(_(
                        "I am receiving your photos. When they have all arrived, press "
                        "“Done”."), choices=self._photo_buttons()))
                else:
                    outcome.replies.append(Reply(t.photos_received(count, MAX_PHOTOS),
                                                 choices=self._photo_buttons()))
            return
        if choice == t.DONE:
            if not count:
                outcome.replies.append(Reply(_("There are no photos in the report yet. "
                                               "Please send at least one photo.")))
                return
            dialog["step"] = "title" if dialog.get("text") else "text"
            outcome.replies.append(Reply(ngettext(
                "Thank you! The report has {count} photo.",
                "Thank you! The report has {count} photos.", count).format(count=count)))
            outcome.replies.append(self.ask(dialog, None))
            return
        if typed and not message.started:
            dialog["text"] = _join(dialog.get("text"), typed)
            outcome.replies.append(Reply(_("I have noted the text. Send more photos, or press "
                                           "“Done”."), choices=self._photo_buttons()))
            return
        outcome.replies.append(Reply(t.photos_received(count, MAX_PHOTOS),
                                     choices=self._photo_buttons()))

    def _answer(self, dialog: dict[str, Any], person: Person, typed: str,
                choice: str | None, now: dt.datetime, outcome: Outcome) -> None:
        step = dialog["step"]
        replies = outcome.replies

        def go(next_step: str) -> None:
            dialog["step"] = next_step
            replies.append(self.ask(dialog, person))

        if step == "text":
            if len(typed) < 3:
                replies.append(self.ask(dialog, person))
                return
            dialog["text"] = typed[:TEXT_MAX]
            go("title")
        elif step in ("title", "title_typed"):
            if choice == t.KEEP_TITLE:
                dialog["title"] = suggested_title(dialog.get("text") or "")
            elif typed:
                dialog["title"] = " ".join(typed.split())[:TITLE_MAX]
            else:
                replies.append(self.ask(dialog, person))
                return
            go("date")
        elif step in ("date", "date_typed"):
            today = now.astimezone(self.zone).date()
            if choice == t.OTHER_DATE:
                go("date_typed")
                return
            day = {t.TODAY: today, t.YESTERDAY: today - dt.timedelta(days=1)}.get(
                choice or "") or (parse_date(typed, today) if typed else None)
            if day is None:
                replies.append(Reply(_("I could not read the date. Write it like this: "
                                       "{example}.").format(example=_example(today))))
                return
            if day > today:
                replies.append(Reply(_("This day has not come yet. Write the day the event "
                                       "took place, like this: {example}.").format(
                                           example=_example(today))))
                return
            dialog["date"] = day.isoformat()
            go("municipality")
        elif step in ("municipality", "municipality_typed"):
            if choice == t.OWN_PLACE and person.municipality:
                place: str | None = person.municipality
            elif choice == t.OTHER_PLACE:
                go("municipality_typed")
                return
            else:
                place = self.municipality(typed) if typed else None
            if not place:
                replies.append(Reply(_("I did not find “{place}” among the centre's towns and "
                                       "districts. Please write it again.").format(
                                           place=typed[:60]) if typed else
                                     _("Please write the town or district.")))
                replies.append(self.ask(dialog, person))
                return
            dialog["municipality"] = place
            go("kind")
        elif step == "kind":
            kinds = {t.PHOTO_REPORT: StoryKind.photo_report.value, t.STORY: StoryKind.story.value}
            if choice not in kinds:
                replies.append(self.ask(dialog, person))
                return
            dialog["kind"] = kinds[choice]
            go("consent")
        elif step == "consent":
            answer = choice or _yes_no(typed)
            if answer not in (t.YES, t.NO):
                replies.append(self.ask(dialog, person))
                return
            dialog["consent"] = answer == t.YES
            dialog["consent_at"] = now.isoformat() if answer == t.YES else None
            dialog["step"] = "finishing"
            outcome.finish = True
        else:  # a step this version does not know: begin the questions again
            dialog["step"] = "title" if dialog.get("text") else "text"
            replies.append(self.ask(dialog, person))

    # --- questions ---

    def ask(self, dialog: dict[str, Any], person: Person | None) -> Reply:
        step = dialog.get("step")
        if step == "photos":
            return Reply(t.photos_received(len(dialog.get("photos") or []), MAX_PHOTOS),
                         choices=self._photo_buttons())
        if step == "text":
            return Reply(_("Tell in a few sentences what happened: who took part, what "
                           "you did, what was memorable."))
        if step == "title":
            suggestion = suggested_title(dialog.get("text") or "")
            if suggestion:
                return Reply(_("What shall we call the report? Press the button to keep the "
                               "first line of your text, or write another title."),
                             choices=[(suggestion, t.KEEP_TITLE)])
            return Reply(_("What shall we call the report? Write a short title."))
        if step == "title_typed":
            return Reply(_("Write a short title."))
        if step == "date":
            return Reply(_("When did it take place?"), choices=[
                (_("Today"), t.TODAY), (_("Yesterday"), t.YESTERDAY),
                (_("Another day"), t.OTHER_DATE)])
        if step == "date_typed":
            today = dt.datetime.now(self.zone).date()
            return Reply(_("Write the date, like this: {example}.").format(
                example=_example(today)))
        if step in ("municipality", "municipality_typed"):
            own = person.municipality if person is not None else None
            if own and step == "municipality":
                return Reply(_("Where did it take place?"), choices=[
                    (own, t.OWN_PLACE), (_("Somewhere else"), t.OTHER_PLACE)])
            return Reply(_("Where did it take place? Write the town or district."))
        if step == "kind":
            return Reply(_("Is it a photo report or a story?"), choices=[
                (_("📷 Photo report"), t.PHOTO_REPORT), (_("📖 Story"), t.STORY)])
        if step == "consent":
            return Reply(_("Did everyone who can be seen in the photos agree to their "
                           "publication?"), choices=[
                (_("Yes, everyone agreed"), t.YES), (_("No, or I do not know"), t.NO)])
        return Reply(t.how_to())

    def _offered(self, dialog: dict[str, Any], person: Person) -> set[str]:
        """The button values the current step showed: only those count as a press."""
        step = dialog.get("step")
        offered = {t.CANCEL}
        if step == "photos":
            offered.add(t.DONE)
        elif step == "title" and suggested_title(dialog.get("text") or ""):
            offered.add(t.KEEP_TITLE)
        elif step == "date":
            offered |= {t.TODAY, t.YESTERDAY, t.OTHER_DATE}
        elif step == "municipality" and person.municipality:
            offered |= {t.OWN_PLACE, t.OTHER_PLACE}
        elif step == "kind":
            offered |= {t.PHOTO_REPORT, t.STORY}
        elif step == "consent":
            offered |= {t.YES, t.NO}
        return offered

    def _photo_buttons(self) -> list[tuple[str, str]]:
        return [(t.done_button(), t.DONE), (t.cancel_button(), t.CANCEL)]

    def municipality(self, typed: str) -> str | None:
        """The configured municipality ``typed`` names (any case, a small typo)."""
        text = " ".join(typed.split())[:200]
        known = {m.lower(): m for m in self.config.municipalities}
        if not known:
            return text or None
        if text.lower() in known:
            return known[text.lower()]
        close = difflib.get_close_matches(text.lower(), list(known), n=1, cutoff=0.8)
        return known[close[0]] if close else None


def pending_only(dialog: dict[str, Any]) -> dict[str, Any] | None:
    """What stays of a dialog when its report ends: a coordinator's pending decision."""
    kept = {k: v for k, v in dialog.items()
            if k in ("reject_reason", "posted_link", "consent_form") and v}
    return kept or None


def suggested_title(text: str) -> str:
    """The first line of ``text``, cut at a word to fit a button (at most 60 characters)."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = line.rstrip(".!… ")
    if len(line) <= 60:
        return line
    cut = line[:60].rsplit(" ", 1)[0]
    return cut + "…"


def parse_date(typed: str, today: dt.date) -> dt.date | None:
    """28.11.2026, 28.11.26, 28.11 (this year) or 2026-11-28; None when unreadable."""
    try:
        iso = _ISO.match(typed)
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        match = _DATE.match(typed)
        if not match:
            return None
        year = int(match[3]) if match[3] else today.year
        if year < 100:
            year += 2000
        return dt.date(year, int(match[2]), int(match[1]))
    except ValueError:
        return None


def _example(today: dt.date) -> str:
    return today.strftime("%d.%m.%Y")


def _join(before: str | None, more: str) -> str:
    return f"{before}\n\n{more}"[:TEXT_MAX] if before else more[:TEXT_MAX]


def _yes_no(typed: str) -> str | None:
    lowered = typed.lower().strip(" .!")
    if lowered in ("да", "yes", "согласились", "все согласились"):
        return t.YES
    if lowered in ("нет", "no", "не знаю"):
        return t.NO
    return None


def describe_date(value: str | None) -> str:
    """A stored date as the reader writes it ("28 ноября 2026")."""
    return format_date(dt.date.fromisoformat(value)) if value else "—"
