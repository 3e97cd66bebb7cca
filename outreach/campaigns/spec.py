"""Campaign files (``campaigns/<slug>.toml``): reading and checking them.

Every problem of every file is reported at once, with the file, line and key,
and a did-you-mean for misspelt keys, channels, tags and placeholders.
The format is described for volunteers in docs/campaigns.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outreach.config.schema import Checker, Field, check_zone, parse_duration
from outreach.config.tomlfile import read_toml
from outreach.db.models import StoryKind
from outreach.errors import CampaignError, NotFoundError, Problem, did_you_mean
from outreach.text.templates import DEFAULT_TEMPLATE, Template, template_problems

if TYPE_CHECKING:
    from outreach.config import Config

SLUG = re.compile(r"^[a-z0-9-]+$")
_HASHTAG = re.compile(r"^#?\w+$")
ORDERS = ("oldest-unpublished", "newest", "random")
MIN_INTERVAL = dt.timedelta(minutes=1)


def _check_duration(value: str) -> str | None:
    if parse_duration(value) is None:
        return f"{value!r} is not a duration: write a number and m, h, d or w, like '30m' or '3d'"
    return None


def _check_positive(value: int) -> str | None:
    return None if value >= 1 else "must be 1 or more"


def _check_not_negative(value: int) -> str | None:
    return None if value >= 0 else "must be 0 or more (0: never reuse)"


def _check_cron(value: str) -> str | None:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(value, timezone=dt.UTC)
    except ValueError as exc:
        return (f"{value!r} is not a valid cron expression: {exc} "
                "(five fields: minute hour day month weekday, e.g. '0 10 * * tue,thu')")
    return None


TOP = {
    "name": Field(str, required=True, help="A human name for listings"),
    "time_zone": Field(str, check=check_zone, help="Default: time_zone of config.toml"),
    "start": Field(dt.date, help="First day of the campaign"),
    "end": Field(dt.date, help="Last day of the campaign"),
    "active": Field(bool, default=True),
    "grace": Field(str, default="1h", check=_check_duration,
                   help="How late a missed slot may still be published"),
    "schedule": Field(dict, required=True),
    "content": Field(dict, default={}),
    "post": Field(dict, default={}),
    "channels": Field(dict, required=True),
    "placements": Field(list, default=[],
                        help="Offline places for posters, each with its own referral code"),
}
PLACEMENT = {
    "name": Field(str, required=True,
                  help="Where the poster hangs: 'Пенсионный фонд, Миасс, ул. Ленина, 5'"),
    "municipality": Field(str, default=None, help="One of municipalities in config.toml"),
    "formats": Field(list, items=str, default=["a4"],
                     help="Poster formats for this place: a4, a3, stand, billboard, social"),
}
SCHEDULE = {
    "cron": Field(str, check=_check_cron, help="minute hour day month weekday"),
    "every": Field(str, check=_check_duration, help="'3d', '12h', '30m'"),
    "first": Field(dt.datetime, help="With every: the first slot; later ones follow"),
    "dates": Field(list, items=dt.datetime, help="Exact local dates and times"),
}
CONTENT = {
    "kinds": Field(list, items=str, default=[], choices=tuple(k.value for k in StoryKind)),
    "tags": Field(list, items=str, default=[]),
    "municipalities": Field(list, items=str, default=[]),
    "order": Field(str, default="oldest-unpublished", choices=ORDERS),
    "seed": Field(int, default=0),
    "per_run": Field(int, default=1, check=_check_positive),
    "reuse_after_days": Field(int, default=0, check=_check_not_negative),
}
POST = {
    "template": Field(str, default=DEFAULT_TEMPLATE),
    "hashtags": Field(list, items=str, default=[]),
    "call_to_action": Field(str, default=""),
}
CHANNELS = {
    "names": Field(list, items=str, default=[]),
    "tags": Field(list, items=str, default=[]),
    "by_municipality": Field(bool, default=False),
}


@dataclass(frozen=True)
class Schedule:
    """Exactly one of cron, every or dates is set."""

    cron: str | None = None
    every: dt.timedelta | None = None
    first: dt.datetime | None = None  # aware; anchor of ``every``
    dates: tuple[dt.datetime, ...] = ()  # aware


@dataclass(frozen=True)
class ContentRule:
    kinds: tuple[str, ...]
    tags: tuple[str, ...]
    municipalities: tuple[str, ...]
    order: str
    seed: int
    per_run: int
    reuse_after_days: int


@dataclass(frozen=True)
class PostSpec:
    template: Template
    hashtags: tuple[str, ...]
    call_to_action: str


@dataclass(frozen=True)
class ChannelRule:
    names: tuple[str, ...]
    tags: tuple[str, ...]
    by_municipality: bool


@dataclass(frozen=True)
class Placement:
    """A place a campaign's posters go, e.g. a pension-fund office."""

    name: str
    municipality: str | None = None
    formats: tuple[str, ...] = ("a4",)


@dataclass(frozen=True)
class CampaignSpec:
    slug: str
    name: str
    source: Path
    definition_hash: str  # sha256 of the file's bytes
    time_zone: str
    start: dt.date | None
    end: dt.date | None
    active: bool
    grace: dt.timedelta
    schedule: Schedule
    content: ContentRule
    post: PostSpec
    channels: ChannelRule
    placements: tuple[Placement, ...] = ()

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


def _template_first_line(check: Checker, text: str, key: str) -> int | None:
    """The file line of a template's first line: the key's line, or the next after '\"\"\"'."""
    line = check.line(key)
    if line is None:
        return None
    raw = text.splitlines()[line - 1] if line <= len(text.splitlines()) else ""
    after = raw.split("=", 1)[1].strip() if "=" in raw else ""
    # TOML drops a newline right after the opening quotes of a multi-line string.
    return line + 1 if after in ('"""', "'''") else line


def _localize(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime | None:
    """A local date and time in ``zone`` as aware; None when clocks skip it (DST)."""
    if value.tzinfo is not None:
        return value
    aware = value.replace(tzinfo=zone)
    back = aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    return aware if back == value else None


def parse_campaign(data: dict[str, Any], text: str, path: Path, config: Config,
                   raw: bytes = b"") -> tuple[CampaignSpec | None, list[Problem]]:
    """Check one campaign file's data against the format and ``config``."""
    source = str(path)
    check = Checker(source, text)
    slug = path.stem
    if not SLUG.match(slug):
        check.problem("", "the file name becomes the campaign's short name (slug): use only "
                          "lower-case latin letters, digits and dashes, like "
                          "'mentoring-photo-reports.toml'")
    top = check.table(data, TOP)
    schedule = check.table(top.get("schedule", {}), SCHEDULE, "schedule")
    content = check.table(top.get("content") or {}, CONTENT, "content")
    post = check.table(top.get("post") or {}, POST, "post")
    channels = check.table(top.get("channels", {}), CHANNELS, "channels")

    zone_name = top.get("time_zone") or config.time_zone
    zone = zoneinfo.ZoneInfo(zone_name) if check_zone(zone_name) is None else None
    start, end = top.get("start"), top.get("end")
    if start and end and end < start:
        check.problem("end", f"{end} is before start {start}")

    parsed_schedule = (_schedule(check, top["schedule"], schedule, zone)
                       if "schedule" in top else None)
    _content_against_config(check, content, config)
    template = _template(check, text, post)
    for tag in post.get("hashtags") or []:
        if not _HASHTAG.match(tag):
            check.problem("post.hashtags", f"{tag!r} is not a hashtag: one word of letters, "
                                           "digits or '_', without spaces")
    if "channels" in top:
        _channels_against_config(check, channels, config)
    placements = _placements(check, top.get("placements") or [], config)

    if not check.ok or template is None or parsed_schedule is None:
        return None, check.problems
    spec = CampaignSpec(
        slug=slug,
        name=top["name"],
        source=path,
        definition_hash=hashlib.sha256(raw or text.encode("utf-8")).hexdigest(),
        time_zone=zone_name,
        start=start,
        end=end,
        active=top["active"],
        grace=parse_duration(top["grace"]) or dt.timedelta(hours=1),
        schedule=parsed_schedule,
        content=ContentRule(
            kinds=tuple(content["kinds"]),
            tags=tuple(content["tags"]),
            municipalities=tuple(content["municipalities"]),
            order=content["order"],
            seed=content["seed"],
            per_run=content["per_run"],
            reuse_after_days=content["reuse_after_days"],
        ),
        post=PostSpec(
            template=template,
            hashtags=tuple(t.lstrip("#") for t in post["hashtags"]),
            call_to_action=post["call_to_action"],
        ),
        channels=ChannelRule(
            names=tuple(channels["names"]),
            tags=tuple(channels["tags"]),
            by_municipality=channels["by_municipality"],
        ),
        placements=placements,
    )
    return spec, []


def _schedule(check: Checker, written: dict[str, Any], values: dict[str, Any],
              zone: zoneinfo.ZoneInfo | None) -> Schedule | None:
    given = [k for k in ("cron", "every", "dates") if k in written]
    if len(given) != 1:
        what = "gives none" if not given else f"gives {' and '.join(given)}"
        check.problem("schedule", f"needs exactly one of cron, every or dates; it {what}")
        return None
    if "first" in written and given != ["every"]:
        check.problem("schedule.first", "only goes with every")
    if zone is None or values.get(given[0]) is None:
        return None  # the value itself is wrong, and already reported
    if given == ["cron"]:
        return Schedule(cron=values["cron"].strip())
    if given == ["every"]:
        every = parse_duration(values["every"])
        if every is None:
            return None
        if every < MIN_INTERVAL:
            check.problem("schedule.every", "must be at least 1m")
            return None
        first = values.get("first")
        anchored = _localize(first, zone) if first is not None else None
        if first is not None and anchored is None:
            check.problem("schedule.first", f"{first} does not exist in {zone.key} "
                                            "(the clocks skip that hour)")
            return None
        return Schedule(every=every, first=anchored)
    dates: list[dt.datetime] = []
    for value in values["dates"]:
        local = _localize(value, zone)
        if local is None:
            check.problem("schedule.dates", f"{value} does not exist in {zone.key} "
                                            "(the clocks skip that hour)")
            continue
        dates.append(local)
    if not dates:
        if values["dates"] == []:
            check.problem("schedule.dates", "is empty: list at least one date and time")
        return None
    return Schedule(dates=tuple(sorted(set(dates))))


def _template(check: Checker, text: str, post: dict[str, Any]) -> Template | None:
    value = post.get("template")
    if not isinstance(value, str):
        return None
    first = _template_first_line(check, text, "post.template")
    problems = template_problems(value, check.source, "post.template", first)
    check.problems.extend(problems)
    if problems:
        return None
    return Template.parse(value)


def _placements(check: Checker, items: list[Any], config: Config) -> tuple[Placement, ...]:
    """``placements``: names, or tables with name, municipality and formats."""
    found: list[Placement] = []
    seen: set[str] = set()
    for index, item in enumerate(items, start=1):
        key = "placements"
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            check.problem(key, f"item {index} must be a name in quotes or a table with "
                               "name = \"...\"")
            continue
        values = check.table(item, PLACEMENT, key)
        name = " ".join((values.get("name") or "").split())
        if "name" in values and not name:
            check.problem(f"{key}.name", f"item {index}: the name is empty")
            continue
        if not name:
            continue
        if name.lower() in seen:
            check.problem(key, f"{name!r} is listed twice")
            continue
        seen.add(name.lower())
        municipality = values.get("municipality")
        known = config.municipalities
        if municipality and known and municipality not in known:
            check.problem(f"{key}.municipality",
                          f"{municipality!r} is not in municipalities of {config.source}"
                          + did_you_mean(municipality, known))
        found.append(Placement(name, municipality, tuple(values.get("formats") or ("a4",))))
    return tuple(found)


def _content_against_config(check: Checker, content: dict[str, Any], config: Config) -> None:
    known = config.municipalities
    for name in content.get("municipalities") or []:
        if known and name not in known:
            check.problem("content.municipalities",
                          f"{name!r} is not in municipalities of {config.source}"
                          + did_you_mean(name, known))


def _channels_against_config(check: Checker, channels: dict[str, Any], config: Config) -> None:
    names = list(config.channels)
    tags = sorted({t for c in config.channels.values() for t in c.tags})
    for name in channels.get("names") or []:
        if name not in config.channels:
            where = f"no channel {name!r} in {config.source}" + did_you_mean(name, names)
            if not names:
                where += " (it has no [channels.NAME] sections yet)"
            check.problem("channels.names", where)
    for tag in channels.get("tags") or []:
        if tag not in tags:
            check.problem("channels.tags",
                          f"no channel in {config.source} carries the tag {tag!r}"
                          + did_you_mean(tag, tags))
    if not (channels.get("names") or channels.get("tags")
                         or channels.get("by_municipality")):
        check.problem("channels", "names no channels: give names, tags or by_municipality = true")


def read_campaign(path: Path, config: Config) -> tuple[CampaignSpec | None, list[Problem]]:
    """Read and check one campaign file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(str(path), "", f"cannot read: {exc.strerror or exc}")]
    data, text, problem = read_toml(path)
    if problem is not None:
        return None, [problem]
    assert data is not None
    return parse_campaign(data, text, path, config, raw)


def campaign_files(config: Config) -> list[Path]:
    folder = config.campaigns_dir
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def load_campaigns(config: Config) -> tuple[list[CampaignSpec], list[Problem]]:
    """Every campaign file in ``config.campaigns_dir``: the valid ones, and all problems."""
    specs: list[CampaignSpec] = []
    problems: list[Problem] = []
    for path in campaign_files(config):
        spec, found = read_campaign(path, config)
        problems.extend(found)
        if spec is not None:
            specs.append(spec)
    return specs, problems


def load_campaign(config: Config, slug: str) -> CampaignSpec:
    """The campaign ``slug``; NotFoundError (with did-you-mean) or CampaignError."""
    path = config.campaigns_dir / f"{slug}.toml"
    if not SLUG.match(slug) or not path.is_file():
        slugs = [p.stem for p in campaign_files(config)]
        listing = f"; campaigns: {', '.join(slugs)}" if slugs else ""
        raise NotFoundError(f"no campaign {slug!r} in {config.campaigns_dir}"
                            + did_you_mean(slug, slugs) + listing)
    spec, problems = read_campaign(path, config)
    if spec is None:
        raise CampaignError(problems, f"{path} has {len(problems)} problem(s):")
    return spec
