"""The demo's meetings: an ``events.toml`` dated from the day the demo is set up.

A stand shows the meetings ahead; a sample file with fixed dates would show none
a few weeks after it was written, and the demo's stand would say «ask by phone».
So ``outreach init --samples`` writes the file with dates a few days and weeks
after that day, each key explained, for the centre to edit into its own. A file
already there is the centre's and is never touched, except one the demo wrote and
nobody edited since: that one is dated again from the new day.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from outreach.channels import PermanentError, _, os_reason
from outreach_local_media.events import EVENTS_FILE

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _meetings() -> list[tuple[int, str, str, str]]:
    """Days after the set-up day, time, title, place: the stand shows some for three weeks.
    A stand gives a meeting one line: title and place fit it in both languages."""
    return [
        (3, "11:00", _("SAMPLE: Meeting of mentors"), _("Library, Lenin St 5")),
        (10, "10:00", _("SAMPLE: Nordic walking"), _("City park")),
        (21, "14:00", _("SAMPLE: Video calls to grandchildren"), _("Social centre")),
    ]


def sample_events(today: dt.date) -> str:
    """The demo's events.toml written on ``today``, with comments in the current language."""
    lines = [
        "# " + _("Meetings for the stands: each [[events]] block below is one meeting."),
        "# " + _("A SAMPLE written for the demo by outreach init --samples on {day}: replace "
                 "the meetings with your own, or delete them.").format(day=today.isoformat()),
        "# " + _("A stand shows the meetings of its municipality and those without one, from "
                 "today on, soonest first; past meetings leave it by themselves."),
        "# " + _("The format: docs/posters.md"),
    ]
    example = _("Miass")  # a municipality, for the example line
    for number, (days, time, title, place) in enumerate(_meetings()):
        day = today + dt.timedelta(days=days)
        lines += ["", "[[events]]"]
        if number == 0:
            lines += [
                "# " + _("the day: year-month-day, without quotes"), f"date = {day.isoformat()}",
                "# " + _("the time, in quotes (may be left out)"), f"time = {_quoted(time)}",
                "# " + _("what the meeting is"), f"title = {_quoted(title)}",
                "# " + _("where (may be left out)"), f"place = {_quoted(place)}",
                "# " + _("for the stands of one municipality only, written as in config.toml "
                         "(without it, on every stand):"),
                f"# municipality = {_quoted(example)}",
            ]
        else:
            lines += [f"date = {day.isoformat()}", f"time = {_quoted(time)}",
                      f"title = {_quoted(title)}", f"place = {_quoted(place)}"]
    return "\n".join(lines) + "\n"


def write_sample_events(media_dir: Path, today: dt.date) -> list[Path]:
    """Write the demo's ``events.toml`` into ``media_dir`` unless the centre has its own;
    the files written."""
    path = media_dir / EVENTS_FILE
    try:
        existing: str | None = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        existing = None
    except (OSError, UnicodeDecodeError):
        return []  # someone's file, whatever is wrong with it: the stand says what
    if existing is not None and not _stale_sample(existing, today):
        return []
    try:
        media_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(sample_events(today), encoding="utf-8")
    except OSError as exc:
        raise PermanentError(_("cannot write {file}: {reason}").format(
            file=path, reason=os_reason(exc))) from exc
    return [path]


def _stale_sample(text: str, today: dt.date) -> bool:
    """Whether ``text`` is the sample as written on an earlier day, not edited since."""
    found = _DAY.search(text)
    try:
        written = dt.date.fromisoformat(found.group()) if found else None
    except ValueError:
        return False
    return written is not None and written != today and text == sample_events(written)


def _quoted(text: str) -> str:
    # A JSON string is a TOML basic string (the same escapes), Cyrillic kept as written.
    return json.dumps(text, ensure_ascii=False)
