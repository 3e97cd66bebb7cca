"""``outreach campaigns new``: a campaign file from answers to questions, or changed by them.

Run again on an existing file, every question offers what the file says; keys
the questions do not cover (start, end, the post's template, placements…) are
kept as they are.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outreach.cli.prompts import confirm
from outreach.cli.wizards import ask, joined, numbered, one_of, say, text, words
from outreach.errors import CampaignError, OutreachError
from outreach.i18n import _, format_datetime

if TYPE_CHECKING:
    from outreach.cli import App
    from outreach.config import Config

KINDS = ("photo-report", "story")


def _slug(reply: str) -> str:
    from outreach.campaigns.spec import SLUG, slug_hint

    name = reply.removesuffix(".toml")
    if not SLUG.match(name):
        raise ValueError(slug_hint(name))
    return name


def _existing(path: Path) -> dict[str, Any]:
    from outreach.config.tomlfile import read_toml

    if not path.is_file():
        return {}
    data, _text, problem = read_toml(path)
    if problem is not None:
        raise CampaignError([problem], _("{path} cannot be read; correct it by hand first, "
                                         "or delete it to start again:").format(path=path))
    say(_("{path} exists: each question offers what it says now; press Enter to keep "
          "it.").format(path=path))
    return data or {}


def _days(reply: str) -> list[str]:
    from outreach.campaigns.days import day_names, parse_day
    from outreach.errors import did_you_mean

    days = words(reply)
    for word in days:
        if parse_day(word) is None:
            raise ValueError(_("{word!r} is not a day of the week: write пн, вт, ср, чт, пт, "
                               "сб, вс (or mon…sun), \"будни\" or \"выходные\"").format(
                                   word=word) + did_you_mean(word.lower(), day_names()))
    return days


def _times(reply: str) -> list[str]:
    from outreach.campaigns.days import parse_time, time_hint

    times = words(reply)
    for time in times:
        if parse_time(time) is None:
            raise ValueError(time_hint(time))
    parsed = [parse_time(x) for x in times]
    return [f"{t.hour:02d}:{t.minute:02d}"
            for t in sorted({p for p in parsed if p is not None})]


def _zone(reply: str) -> str:
    from outreach.config.schema import check_zone

    if (problem := check_zone(reply)) is not None:
        raise ValueError(problem)
    return reply


def _hashtags(reply: str) -> list[str]:
    tags = [w.lstrip("#") for w in words(reply)]
    for tag in tags:
        if not tag.replace("_", "").isalnum():
            raise ValueError(_("{tag!r} is not a hashtag: one word of letters, digits or _, "
                               "without spaces").format(tag=tag))
    return tags


def _municipalities(config: Config) -> Any:
    if not config.municipalities:
        return words
    numbered(config.municipalities)
    return one_of(config.municipalities, _("municipalities of config.toml"))


def _known_tags(app: App) -> list[str]:
    from outreach.library.stories import list_stories

    try:
        with app.store.session() as session:
            return sorted({t for s in list_stories(session) for t in (s.tags or [])})
    except OutreachError:
        return []


def _schedule(old: dict[str, Any]) -> dict[str, Any]:
    """The [schedule] table: days and times asked, or another kind kept if the person says so."""
    if any(k in old for k in ("cron", "every", "dates")):
        say(_("The file's schedule is written as {keys}.").format(
            keys=", ".join(k for k in ("cron", "every", "dates") if k in old)))
        if confirm(_("Keep that schedule?"), default=True):
            return dict(old)
    say(_("On which days? For example: пн, чт — or будни, выходные, каждый день."))
    days = ask(_("Days"), _days, default=joined(old.get("days")) or None)
    say(_("At what times? Hours and minutes, for example: 10:00 or 10:00, 18:30."))
    times = ask(_("Times"), _times, default=joined([str(t)[:5] for t in old.get("times", [])]))
    return {"days": days, "times": times}


def campaign_wizard(app: App, slug: str | None) -> Path:
    """Ask for a campaign, show its next three times, write it; the path written."""
    config = app.config
    channels = list(config.channels)
    if not channels:
        raise OutreachError(_("config.toml has no channels yet: add a [channels.NAME] section "
                              "first (see docs/config.md)"))
    folder = config.campaigns_dir
    old: dict[str, Any] = {}
    if slug is not None:
        try:
            slug = _slug(slug)
        except ValueError as exc:
            raise OutreachError(str(exc)) from None
        old = _existing(folder / f"{slug}.toml")
    say(_("A new campaign, step by step. Press Enter to take the answer in [brackets]; "
          "Ctrl+C stops without writing anything."))
    name = ask(_("Name of the campaign, as listings show it"), text, default=old.get("name"))
    if slug is None:
        from outreach.text.latin import slugify

        say(_("The file needs a short name in latin letters, digits and dashes."))
        slug = ask(_("File name"), _slug, default=slugify(name) or None)
        old = _existing(folder / f"{slug}.toml")
    path = folder / f"{slug}.toml"
    content, post = dict(old.get("content") or {}), dict(old.get("post") or {})
    channel_rule = dict(old.get("channels") or {})

    say(_("Which stories? 1. photo reports  2. stories  3. both"))
    kinds = ask(_("Kinds"), _kinds, default=_kinds_default(content.get("kinds")))
    known = _known_tags(app)
    say(_("Stories with which tags? Separate them with commas; empty: any story.")
        + (" " + _("Tags in use: {tags}.").format(tags=", ".join(known)) if known else ""))
    tags = ask(_("Tags"), words, default=joined(content.get("tags")), required=False)
    for tag in tags:
        if known and tag not in known:
            say(_("No story has the tag {tag!r} yet; the campaign takes such stories once "
                  "they come.").format(tag=tag))
    say(_("Stories from which municipalities? Numbers or names, with commas; empty: all."))
    places = ask(_("Municipalities"), _municipalities(config),
                 default=joined(content.get("municipalities")), required=False)
    schedule = _schedule(dict(old.get("schedule") or {}))
    zone = ask(_("Time zone (for example Asia/Yekaterinburg, МСК, МСК+2)"), _zone,
               default=old.get("time_zone") or config.time_zone)

    say(_("Where to publish? Numbers or names, with commas:"))
    numbered(channels, [config.channels[c].plugin for c in channels])
    names = ask(_("Channels"), one_of(channels, _("channels of config.toml")),
                default=joined(channel_rule.get("names")),
                required=not channel_rule.get("tags"))
    if any(c.municipality for c in config.channels.values()):
        channel_rule["by_municipality"] = confirm(
            _("Also to the channels of each story's own municipality?"),
            default=bool(channel_rule.get("by_municipality")))
    post["call_to_action"] = ask(
        _("Call to action, before the sign-up link"), text,
        default=post.get("call_to_action") or _("Want to join us? Sign up here:"))
    post["hashtags"] = ask(_("Hashtags, with commas (empty: none)"), _hashtags,
                           default=joined(post.get("hashtags")), required=False)

    content.update(kinds=kinds, tags=tags, municipalities=places)
    channel_rule["names"] = names
    data = {**old, "name": name, "time_zone": zone, "schedule": schedule, "content": content,
            "post": post, "channels": channel_rule}
    return _write(app, path, data)


def _kinds(reply: str) -> list[str]:
    choices = {"1": ["photo-report"], "2": ["story"], "3": []}
    if reply in choices:
        return choices[reply]
    raise ValueError(_("answer 1, 2 or 3"))


def _kinds_default(kinds: list[str] | None) -> str:
    if kinds == ["photo-report"]:
        return "1"
    return "2" if kinds == ["story"] else "3"


def _write(app: App, path: Path, data: dict[str, Any]) -> Path:
    import tomllib

    from outreach.campaigns.schedule import describe, local, next_slots
    from outreach.campaigns.spec import parse_campaign
    from outreach.campaigns.writer import render_campaign

    written = render_campaign(data)
    spec, problems = parse_campaign(tomllib.loads(written), written, path, app.config)
    if spec is None:
        raise CampaignError(problems, _("The answers do not make a valid campaign; nothing "
                                        "was written:"))
    say()
    say(_("Schedule: {schedule}").format(schedule=describe(spec)))
    slots = next_slots(spec, dt.datetime.now(dt.UTC), 3)
    if slots:
        say(_("The next three times:"))
        for slot in slots:
            when = local(spec, slot)
            say(f"  {_weekday(when)}, {format_datetime(when.replace(tzinfo=None))}")
    else:
        say(_("This schedule has no times to come (has the campaign ended?)."))
    if not confirm(_("Write {path}?").format(path=path), default=True):
        say(_("Nothing was written."))
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(written, encoding="utf-8")
    say(_("Written: {path}. To see what it would publish: outreach campaigns preview "
          "{slug}").format(path=path, slug=spec.slug))
    return path


def _weekday(when: dt.datetime) -> str:
    from babel.dates import format_date

    from outreach.i18n import current_language

    return str(format_date(when.date(), "EEEE", locale=current_language()))

