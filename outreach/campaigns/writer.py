"""Writing a campaign file from its values, each key with a comment in the reader's language.

``outreach campaigns new`` builds the values from a person's answers (or from the
file it edits) and writes them here; the result reads back through ``spec``.
"""

from __future__ import annotations

from typing import Any

from outreach.config.tomlfile import dump_line
from outreach.i18n import _, lazy_gettext

# Sections in the order they are written; within each, keys in this order, with comments.
LAYOUT: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = (
    ("", (
        ("name", lazy_gettext("the campaign's name in listings")),
        ("time_zone", lazy_gettext("time zone of the times below: Asia/Yekaterinburg, "
                                   "МСК, МСК+2…")),
        ("start", lazy_gettext("first day (no quotes: 2026-12-01)")),
        ("end", lazy_gettext("last day, included")),
        ("active", lazy_gettext("false: kept, but publishes nothing")),
        ("grace", lazy_gettext("how late a missed time may still be published")),
        ("placements", lazy_gettext("places for posters, each with its own code")),
    )),
    ("schedule", (
        ("days", lazy_gettext("days: пн вт ср чт пт сб вс, \"будни\", \"выходные\"")),
        ("times", lazy_gettext("times of day, hours:minutes")),
        ("cron", lazy_gettext("minute hour day month weekday")),
        ("every", lazy_gettext("an interval: 30m, 12h, 3d, 1w")),
        ("first", lazy_gettext("with every: the first time")),
        ("dates", lazy_gettext("exact dates and times")),
    )),
    ("content", (
        ("kinds", lazy_gettext("\"photo-report\", \"story\"; empty: both")),
        ("tags", lazy_gettext("stories with any of these tags; empty: all")),
        ("municipalities", lazy_gettext("stories from any of these; empty: all")),
        ("order", lazy_gettext("\"oldest-unpublished\", \"newest\" or \"random\"")),
        ("seed", lazy_gettext("for order = \"random\"")),
        ("per_run", lazy_gettext("stories each time")),
        ("reuse_after_days", lazy_gettext("days before a story may go out again; "
                                          "0: never")),
    )),
    ("post", (
        ("template", lazy_gettext("the post: {title}, {body}, {date}, {municipality}, "
                                  "{call_to_action}, {signup_link}, {hashtags}…")),
        ("hashtags", lazy_gettext("words without spaces")),
        ("call_to_action", lazy_gettext("the sentence that invites people to join")),
    )),
    ("channels", (
        ("names", lazy_gettext("channels of config.toml, by name")),
        ("tags", lazy_gettext("every channel with one of these tags")),
        ("by_municipality", lazy_gettext("true: also the channels of the story's "
                                         "municipality")),
    )),
)


def _multiline(text: str) -> str | None:
    """``text`` as a TOML multi-line string, or None when it cannot be written as one."""
    if "\\" in text or '"""' in text or text.endswith('"') or "\r" in text:
        return None
    return '"""\n' + text + '"""'


def _line(key: str, value: Any, comment: str) -> list[str]:
    written = _multiline(value) if key == "template" and isinstance(value, str) else None
    if written is not None:
        return [f"# {comment}", f"{key} = {written}"]
    return [dump_line(key, value, comment)]


def render_campaign(data: dict[str, Any]) -> str:
    """A campaign file holding ``data`` (its tables as nested dicts), with comments."""
    name = data.get("name", "")
    lines = [
        "# " + _("Campaign «{name}», written by: outreach campaigns new").format(name=name),
        "# " + _("The format: docs/campaigns.md. To check it: outreach campaigns validate; "
                 "to see what it would publish: outreach campaigns preview"),
    ]
    for section, keys in LAYOUT:
        values = data if not section else (data.get(section) or {})
        written = [(key, values[key], str(comment)) for key, comment in keys
                   if key in values and values[key] is not None]
        if not written and section:
            continue
        lines.append("")
        if section:
            lines.append(f"[{section}]")
        for key, value, comment in written:
            lines.extend(_line(key, value, comment))
    return "\n".join(lines) + "\n"


def left_out(data: dict[str, Any]) -> list[str]:
    """The keys of ``data`` a campaign file does not have (misspelt ones): not written."""
    known = {section: {key for key, _comment in keys} for section, keys in LAYOUT}
    found = [key for key in data if key not in known[""] and key not in known]
    for section in known:
        if section and isinstance(data.get(section), dict):
            found += [f"{section}.{key}" for key in data[section] if key not in known[section]]
    return found
