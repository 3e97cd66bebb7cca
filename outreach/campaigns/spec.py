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

from outreach.campaigns.timetable import SCHEDULE, Schedule, check_duration, parse_schedule
from outreach.config.schema import Checker, Field, check_zone, parse_duration
from outreach.config.tomlfile import read_toml
from outreach.config.zones import iana_zone
from outreach.db.models import StoryKind
from outreach.errors import CampaignError, NotFoundError, Problem, did_you_mean
from outreach.i18n import _, ngettext
from outreach.text.latin import slugify
from outreach.text.templates import DEFAULT_TEMPLATE, Template, template_problems

if TYPE_CHECKING:
    from outreach.config import Config

SLUG = re.compile(r"^[a-z0-9-]+$")
_HASHTAG = re.compile(r"^#?\w+$")
ORDERS = ("oldest-unpublished", "newest", "random")


def _check_positive(value: int) -> str | None:
    return None if value >= 1 else _("must be 1 or more")


def _check_not_negative(value: int) -> str | None:
    return None if value >= 0 else _("must be 0 or more (0: never reuse)")


TOP = {
    "name": Field(str, required=True, help="A human name for listings"),
    "time_zone": Field(str, check=check_zone, help="Default: time_zone of config.toml"),
    "start": Field(dt.date, help="First day of the campaign"),
    "end": Field(dt.date, help="Last day of the campaign"),
    "active": Field(bool, default=True),
    "grace": Field(str, default="1h", check=check_duration,
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


def parse_campaign(data: dict[str, Any], text: str, path: Path, config: Config,
                   raw: bytes = b"") -> tuple[CampaignSpec | None, list[Problem]]:
    """Check one campaign file's data against the format and ``config``."""
    source = str(path)
    check = Checker(source, text)
    slug = path.stem
    if not SLUG.match(slug):
        check.problem("", slug_hint(slug))
    top = check.table(data, TOP)
    schedule = check.table(top.get("schedule", {}), SCHEDULE, "schedule")
    content = check.table(top.get("content") or {}, CONTENT, "content")
    post = check.table(top.get("post") or {}, POST, "post")
    channels = check.table(top.get("channels", {}), CHANNELS, "channels")

    zone_name = iana_zone(top.get("time_zone") or config.time_zone) or config.time_zone
    zone = zoneinfo.ZoneInfo(zone_name) if check_zone(zone_name) is None else None
    start, end = top.get("start"), top.get("end")
    if start and end and end < start:
        check.problem("end", _("{end} is before start {start}").format(end=end, start=start))

    parsed_schedule = (parse_schedule(check, top["schedule"], schedule, zone)
                       if "schedule" in top else None)
    _content_against_config(check, content, config)
    template = _template(check, text, post)
    for tag in post.get("hashtags") or []:
        if not _HASHTAG.match(tag):
            check.problem("post.hashtags", _("{tag!r} is not a hashtag: one word of letters, "
                                             "digits or _, without spaces").format(tag=tag))
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


def slug_hint(slug: str) -> str:
    """Why ``slug`` cannot name a campaign file, and the name to give it instead."""
    suggestion = slugify(slug) or "mentoring-photo-reports"
    return _("the file's name is the campaign's short name: only lower-case latin letters, "
             "digits and dashes; rename the file to {name}").format(name=f"{suggestion}.toml")


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
            check.problem(key, _("item {index} must be a name in quotes or a table with "
                                 "name = \"...\"").format(index=index))
            continue
        values = check.table(item, PLACEMENT, key)
        name = " ".join((values.get("name") or "").split())
        if "name" in values and not name:
            check.problem(f"{key}.name", _("item {index}: the name is empty").format(
                index=index))
            continue
        if not name:
            continue
        if name.lower() in seen:
            check.problem(key, _("{name!r} is listed twice").format(name=name))
            continue
        seen.add(name.lower())
        municipality = values.get("municipality")
        known = config.municipalities
        if municipality and known and municipality not in known:
            check.problem(f"{key}.municipality", _not_a_municipality(municipality, config))
        found.append(Placement(name, municipality, tuple(values.get("formats") or ("a4",))))
    return tuple(found)


def _content_against_config(check: Checker, content: dict[str, Any], config: Config) -> None:
    known = config.municipalities
    for name in content.get("municipalities") or []:
        if known and name not in known:
            check.problem("content.municipalities", _not_a_municipality(name, config))


def _not_a_municipality(name: str, config: Config) -> str:
    return (_("{name!r} is not in municipalities of {config}").format(
        name=name, config=config.source) + did_you_mean(name, config.municipalities))


def _channels_against_config(check: Checker, channels: dict[str, Any], config: Config) -> None:
    names = list(config.channels)
    tags = sorted({t for c in config.channels.values() for t in c.tags})
    for name in channels.get("names") or []:
        if name not in config.channels:
            close = did_you_mean(name, names) or did_you_mean(slugify(name), names)
            where = (_("no channel {name!r} in {config}").format(name=name, config=config.source)
                     + close)
            if not names:
                where += " " + _("(it has no [channels.NAME] sections yet)")
            elif not close:
                where += "; " + _("its channels: {names}").format(names=", ".join(names))
            check.problem("channels.names", where)
    for tag in channels.get("tags") or []:
        if tag not in tags:
            check.problem("channels.tags",
                          _("no channel in {config} carries the tag {tag!r}").format(
                              config=config.source, tag=tag) + did_you_mean(tag, tags))
    if not (channels.get("names") or channels.get("tags")
                         or channels.get("by_municipality")):
        check.problem("channels", _("names no channels: give names, tags or "
                                    "by_municipality = true"))


def read_campaign(path: Path, config: Config) -> tuple[CampaignSpec | None, list[Problem]]:
    """Read and check one campaign file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(str(path), "", _("cannot read: {reason}").format(
            reason=exc.strerror or exc))]
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
        listing = ("; " + _("campaigns: {names}").format(names=", ".join(slugs))
                   if slugs else "")
        raise NotFoundError(_("no campaign {slug!r} in {folder}").format(
            slug=slug, folder=config.campaigns_dir) + did_you_mean(slug, slugs) + listing)
    spec, problems = read_campaign(path, config)
    if spec is None:
        raise CampaignError(problems, ngettext("{path} has {count} problem:",
                                               "{path} has {count} problems:",
                                               len(problems)).format(path=path,
                                                                     count=len(problems)))
    return spec
