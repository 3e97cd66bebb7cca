"""config.toml: where things are, the centre, municipalities and channels.

Every problem in the file is reported at once, with line, key and a
did-you-mean. Tokens are never written here: a channel names the environment
variable that holds each one (see ``Field.env``).

The package also holds what every file people write in TOML shares (config.toml,
campaign files, story front matter, plugin settings): ``tomlfile`` reads TOML
with the line of each key, and ``schema`` checks the values and reports every
problem at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from outreach.config.schema import Checker, Field, check_zone, parse_duration
from outreach.config.tomlfile import read_toml
from outreach.config.zones import iana_zone
from outreach.errors import ConfigError, Problem
from outreach.i18n import LANGUAGES, _, ngettext

DEFAULT_CONFIG = "config.toml"


def check_database_url(value: str) -> str | None:
    from outreach.db import urls

    try:
        urls.parse(value)
    except ValueError:
        return _("is not a database URL (e.g. 'sqlite:///outreach.db' or "
                 "'postgresql+psycopg://host/db')")
    return None


TOP = {
    # Read first, alone, by outreach.i18n.choice: keep it a plain top-level string.
    "language": Field(str, default=None, choices=LANGUAGES,
                      help="The language Outreach speaks: ru or en; default: the system's"),
    "database_url": Field(str, default="sqlite:///outreach.db", check=check_database_url,
                          help="SQLAlchemy URL of the store; a relative SQLite path is "
                               "relative to this file"),
    "time_zone": Field(str, default="Asia/Yekaterinburg", check=check_zone,
                       help="Default zone for campaigns that name none"),
    "municipalities": Field(list, items=str, default=[],
                            help="Municipalities the centre works in"),
    "paths": Field(dict, default={}),
    "centre": Field(dict, default={}),
    "channels": Field(dict, default={}),
    "signups": Field(dict, default={}),
    "metrics": Field(dict, default={}),
}

PATHS = {
    "media": Field(str, default="media", help="Story folders"),
    "campaigns": Field(str, default="campaigns", help="Campaign files"),
    "output": Field(str, default="output", help="Press kits, posters, previews"),
    "cache": Field(str, default=".outreach/cache", help="Rendition cache"),
    "data": Field(str, default=".outreach", help="Sandbox and plugin state"),
}

def check_phone(value: str) -> str | None:
    """Why ``value`` is not a phone number a person can dial, or None (empty is allowed)."""
    if not value.strip():
        return None
    digits = sum(c.isdigit() for c in value)
    # Short service numbers ("900", "112") are numbers too; 15 digits is ITU-T E.164's most.
    if set(value) - set("+0123456789 ()-.") or not 3 <= digits <= 15:
        return _("{value!r} is not a phone number: write digits with spaces, dashes or "
                 "brackets, e.g. '+7 (351) 200-00-00'").format(value=value)
    return None


def check_email(value: str) -> str | None:
    """Why ``value`` is not an e-mail address, or None (empty is allowed)."""
    if not value.strip():
        return None
    name, at, domain = value.strip().rpartition("@")
    if not at or not name or "." not in domain or any(c.isspace() for c in value.strip()):
        return _("{value!r} is not an e-mail address: write it like "
                 "'press@example.org'").format(value=value)
    return None


CENTRE = {
    "name": Field(str, default="Volunteer centre"),
    "slogan": Field(str, default=""),
    "phone": Field(str, default="", check=check_phone),
    "email": Field(str, default="", check=check_email),
    "website": Field(str, default=""),
    "logo": Field(str, default=""),
    "address": Field(str, default="", help="Where people find the centre; printed on stands"),
    "city": Field(str, default="", help="The city press releases are dated from"),
    "contact_person": Field(str, default="",
                            help="Who answers journalists: named in press kits"),
    "contact_phone": Field(str, default="", check=check_phone,
                           help="The contact person's phone; default: phone"),
    "contact_email": Field(str, default="", check=check_email,
                           help="The contact person's e-mail; default: email"),
}

# Keys every channel section has, whatever its plugin; the rest is the plugin's.
CHANNEL_COMMON = {
    "plugin": Field(str, required=True, help="vk, telegram, local-media or a third-party name"),
    "enabled": Field(bool, default=True),
    "tags": Field(list, items=str, default=[],
                  help="Campaigns can address every channel with a tag"),
    "municipality": Field(str, default=None,
                          help="Stories from this municipality are routed here"),
    "title": Field(str, default=None, help="A human name for listings"),
    "watermark": Field(dict, default=None,
                       help="The centre's logo in a corner of this channel's photos: "
                            "{ corner = 'bottom-right', size = 0.15, opacity = 0.85 }"),
}

WATERMARK = {
    "logo": Field(str, default="", help="Logo file; default: logo of [centre]"),
    "corner": Field(str, default="bottom-right",
                    choices=("bottom-right", "bottom-left", "top-right", "top-left"),
                    help="Corners only: the middle of a photo is where faces are"),
    "size": Field(float, default=0.15,
                  check=lambda v: None if 0.03 <= v <= 0.25 else
                  _("must be between 0.03 and 0.25 (the logo's width as a share of the "
                    "photo's)")),
    "opacity": Field(float, default=0.85,
                     check=lambda v: None if 0.1 <= v <= 1 else _("must be between 0.1 and 1")),
}


def _check_window(value: str) -> str | None:
    if parse_duration(value) is None:
        return _("{value!r} is not a duration: write a number and m, h, d or w, "
                 "like '48h'").format(value=value)
    return None


def _check_texts(value: dict[str, Any]) -> str | None:
    from outreach.errors import did_you_mean
    from outreach.signups.texts import DEFAULTS

    for key, text in value.items():
        if key not in DEFAULTS:
            return _("unknown text {key!r}").format(key=key) + did_you_mean(key, list(DEFAULTS))
        if not isinstance(text, str) or not text.strip():
            return _("text {key!r} must be non-empty text").format(key=key)
    return None


def _check_policy_url(value: str) -> str | None:
    if value.strip() and not value.startswith(("https://", "http://")):
        return _("{value!r} is not a web address: write the link to your personal-data "
                 "policy, starting with https://").format(value=value)
    return None


def _check_unfinished(value: str) -> str | None:
    wrong = _check_window(value)
    if wrong:
        return wrong
    found = parse_duration(value)
    if found is None or not dt.timedelta(hours=1) <= found <= dt.timedelta(days=90):
        return _("{value!r}: keep unfinished sign-ups between 1 hour ('1h') and 90 days "
                 "('90d'); a person needs time to finish, and what they said must not stay "
                 "for long").format(value=value)
    return None


SIGNUPS = {
    "policy_url": Field(str, default="", check=_check_policy_url,
                        help="Link to the personal-data policy shown before consent"),
    "policy_version": Field(str, default="", help="Stored with each consent",
                            check=lambda v: None if len(v) <= 50 else
                            _("must be at most 50 characters (e.g. '2026-1')")),
    "coordinators": Field(dict, default={},
                          help="Where new volunteers are announced: "
                               "{ channel = 'telegram', chat = '@coordinators' }"),
    "join_window": Field(str, default="48h", check=_check_window,
                         help="A join counts for the post published at most this long before"),
    "other_municipality_label": Field(str, default="",
                                      help="The button for a municipality not in the list "
                                           "(default: the dialog's button_other, «Другой»)"),
    "texts": Field(dict, default={}, check=_check_texts,
                   help="Dialog texts replacing the Russian defaults, by name"),
    "erase_unfinished_after": Field(str, default="7d", check=_check_unfinished,
                                    help="What a person said in a sign-up they did not finish "
                                         "is erased this long after their last message"),
}

def split_listen(value: str) -> tuple[str, int] | None:
    """("127.0.0.1", 9464) for "127.0.0.1:9464" ("[::1]:9464" for IPv6); None if malformed."""
    host, colon, port = value.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        return None
    return host, int(port)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine's own address, which no other machine reaches."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_listen(value: str) -> str | None:
    if split_listen(value) is None:
        return _("{value!r} is not an address and port: write it like '127.0.0.1:9464'").format(
            value=value)
    return None


METRICS = {
    "listen": Field(str, default=None, check=_check_listen,
                    help="Address and port of the metrics for Prometheus, e.g. "
                         "'127.0.0.1:9464'; none: no metrics"),
    "allow_remote": Field(bool, default=False,
                          help="Serve the metrics on an address other machines reach"),
}


@dataclass(frozen=True)
class Metrics:
    """The [metrics] section: where ``outreach run`` serves its figures for Prometheus."""

    host: str
    port: int


COORDINATORS = {
    "channel": Field(str, required=True, help="A channel whose plugin can send messages"),
    "chat": Field(str, required=True, help="The coordinators' chat on that channel"),
}


@dataclass(frozen=True)
class Signups:
    """The [signups] section: consent policy, coordinators' chat, join window, texts.

    ``enabled`` is whether the section is there at all: the sign-up bots start
    only then, because a bot that collects personal data needs the policy the
    person consents to (the section cannot be given without it).
    """

    enabled: bool = False
    policy_url: str = ""
    policy_version: str = ""
    coordinators_channel: str | None = None
    coordinators_chat: str | None = None
    join_window: dt.timedelta = dt.timedelta(hours=48)
    other_municipality_label: str = ""  # "": the dialog's button_other
    texts: dict[str, str] = field(default_factory=dict)
    erase_unfinished_after: dt.timedelta = dt.timedelta(days=7)


@dataclass(frozen=True)
class ChannelConfig:
    name: str
    plugin: str
    enabled: bool
    tags: tuple[str, ...]
    municipality: str | None
    title: str | None
    # The plugin's own keys, checked by the registry; left out of repr (a token pasted
    # by mistake would be shown wherever a channel is printed for debugging).
    settings: dict[str, Any] = field(repr=False)
    line: int | None = None
    # Checked [channels.NAME.watermark] with the logo resolved: logo (Path), corner, size,
    # opacity; None when the channel's photos carry no logo.
    watermark: dict[str, Any] | None = None


@dataclass(frozen=True)
class Centre:
    name: str
    slogan: str
    phone: str
    email: str
    website: str
    logo: Path | None
    contact_person: str
    address: str = ""
    city: str = ""
    contact_phone: str = ""  # empty: the centre's phone
    contact_email: str = ""  # empty: the centre's e-mail


@dataclass(frozen=True)
class Config:
    path: Path | None
    database_url: str = field(repr=False)  # may hold a password
    time_zone: str
    municipalities: tuple[str, ...]
    media_dir: Path
    campaigns_dir: Path
    output_dir: Path
    cache_dir: Path
    data_dir: Path
    centre: Centre
    channels: dict[str, ChannelConfig] = field(default_factory=dict)
    signups: Signups = field(default_factory=Signups)
    metrics: Metrics | None = None  # None: no metrics endpoint
    language: str | None = None  # None: the system locale's (see outreach.i18n.choice)

    @property
    def source(self) -> str:
        return str(self.path) if self.path else "(defaults)"


def _resolve(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path)


def _resolve_db_url(base: Path, url: str) -> str:
    """Make a relative SQLite path relative to the config file, not the working folder."""
    from outreach.db import urls

    parsed = urls.parse(url)
    if parsed.backend == "sqlite" and parsed.database not in (None, "", ":memory:"):
        db = Path(parsed.database)
        if not db.is_absolute():
            return parsed.with_database(str(base / db)).render(hide_password=False)
    return url


def parse_config(data: dict[str, Any], text: str, source: str, base: Path) -> Config:
    """Check config data; raise ConfigError listing every problem."""
    check = Checker(source, text)
    top = check.table(data, TOP)
    paths = check.table(top.get("paths", {}), PATHS, "paths")
    centre = check.table(top.get("centre", {}), CENTRE, "centre")
    channels: dict[str, ChannelConfig] = {}
    for name, section in (top.get("channels") or {}).items():
        prefix = f"channels.{name}"
        if not isinstance(section, dict):
            check.problem(prefix, _("must be a table ([channels.NAME])"))
            continue
        common = {k: v for k, v in section.items() if k in CHANNEL_COMMON}
        values = check.table(common, CHANNEL_COMMON, prefix)
        if any(key not in values for key in CHANNEL_COMMON):
            continue  # a bad or missing common key: already a problem, reported below
        watermark = None
        if values["watermark"] is not None:
            watermark = check.table(values["watermark"], WATERMARK, f"{prefix}.watermark")
            logo = watermark.get("logo") or centre.get("logo") or ""
            if not logo:
                check.problem(f"{prefix}.watermark",
                              _("needs a logo: set logo here or in [centre]"))
            elif not _resolve(base, logo).is_file():
                key = (f"{prefix}.watermark.logo" if watermark.get("logo")
                       else "centre.logo")
                check.problem(key, _("the logo file {path} does not exist").format(
                    path=_resolve(base, logo)))
            watermark["logo"] = _resolve(base, logo) if logo else None
        channels[name] = ChannelConfig(
            name=name,
            plugin=values["plugin"],
            enabled=values["enabled"],
            tags=tuple(values["tags"]),
            municipality=values["municipality"],
            title=values["title"],
            settings={k: v for k, v in section.items() if k not in CHANNEL_COMMON},
            line=check.line(prefix),
            watermark=watermark,
        )
    municipalities = tuple(top.get("municipalities") or ())
    for name, channel in channels.items():
        if channel.municipality and municipalities and channel.municipality not in municipalities:
            from outreach.errors import did_you_mean

            check.problem(
                f"channels.{name}.municipality",
                _("{name!r} is not in municipalities").format(name=channel.municipality)
                + did_you_mean(channel.municipality, municipalities),
            )
    signups = (_signups(check, top.get("signups") or {}, channels) if "signups" in data
               else Signups())
    metrics = _metrics(check, top.get("metrics") or {})
    if not check.ok:
        count = len(check.problems)
        raise ConfigError(check.problems, ngettext(
            "{source} has {count} problem(s):", "{source} has {count} problem(s):", count).format(
                source=source, count=count))
    logo = centre.get("logo") or ""
    return Config(
        path=Path(source) if source != "(defaults)" else None,
        database_url=_resolve_db_url(base, top["database_url"]),
        time_zone=iana_zone(top["time_zone"]) or top["time_zone"],
        municipalities=municipalities,
        media_dir=_resolve(base, paths["media"]),
        campaigns_dir=_resolve(base, paths["campaigns"]),
        output_dir=_resolve(base, paths["output"]),
        cache_dir=_resolve(base, paths["cache"]),
        data_dir=_resolve(base, paths["data"]),
        centre=Centre(
            name=centre["name"],
            slogan=centre["slogan"],
            phone=centre["phone"],
            email=centre["email"],
            website=centre["website"],
            logo=_resolve(base, logo) if logo else None,
            contact_person=centre["contact_person"],
            address=centre["address"],
            city=centre["city"],
            contact_phone=centre["contact_phone"] or centre["phone"],
            contact_email=centre["contact_email"] or centre["email"],
        ),
        channels=channels,
        signups=signups,
        metrics=metrics,
        language=top["language"],
    )


def _signups(check: Checker, data: dict[str, Any],
             channels: dict[str, ChannelConfig]) -> Signups:
    values = check.table(data, SIGNUPS, "signups")
    # The bots ask people to consent to a policy: without its address and version
    # they would ask for consent to nothing. So the whole file is refused, as for
    # any other mistake, rather than the service running a bot that cannot ask.
    for key, message in (
            ("policy_url", _("is required: the sign-up bots ask people to consent to your "
                             "personal-data policy (152-FZ), so give its address, e.g. "
                             "{key} = {example}")),
            ("policy_version", _("is required: the sign-up bots ask people to consent to your "
                                 "personal-data policy (152-FZ), so give its version, e.g. "
                                 "{key} = {example}"))):
        example = "'https://example.org/privacy'" if key == "policy_url" else "'2026-1'"
        if key in values and not values[key].strip():
            check.problem(f"signups.{key}", message.format(key=key, example=example))
    if any(key not in values for key in SIGNUPS):
        return Signups()
    coordinators: dict[str, Any] = {}
    if values["coordinators"]:
        coordinators = check.table(values["coordinators"], COORDINATORS,
                                   "signups.coordinators")
        channel = coordinators.get("channel")
        if channel and channel not in channels:
            from outreach.errors import did_you_mean

            check.problem("signups.coordinators.channel",
                          _("there is no channel {name!r} in [channels]").format(name=channel)
                          + did_you_mean(channel, list(channels)))
    return Signups(
        enabled=True,
        policy_url=values["policy_url"],
        policy_version=values["policy_version"],
        coordinators_channel=coordinators.get("channel"),
        coordinators_chat=coordinators.get("chat"),
        join_window=parse_duration(values["join_window"]) or dt.timedelta(hours=48),
        other_municipality_label=values["other_municipality_label"],
        texts=dict(values["texts"]),
        erase_unfinished_after=(parse_duration(values["erase_unfinished_after"])
                                or dt.timedelta(days=7)),
    )


def _metrics(check: Checker, data: dict[str, Any]) -> Metrics | None:
    values = check.table(data, METRICS, "metrics")
    found = split_listen(values["listen"]) if values.get("listen") else None
    if found is None:
        return None
    if not is_loopback(found[0]) and not values.get("allow_remote"):
        check.problem("metrics.listen", _(
            "{host} can be reached from other machines, and anyone who reaches it reads the "
            "figures; use 127.0.0.1, or add allow_remote = true to [metrics] if that is "
            "what you mean").format(host=found[0]))
        return None
    return Metrics(*found)


def load_config(path: Path | None = None) -> Config:
    """Load ``path`` (or ./config.toml). With no file at all, defaults apply."""
    explicit = path is not None
    path = path or Path(DEFAULT_CONFIG)
    if not path.exists():
        if explicit:
            raise ConfigError([Problem(str(path), "", _("no such file"))])
        return parse_config({}, "", "(defaults)", Path.cwd())
    data, text, problem = read_toml(path)
    if problem is not None:
        raise ConfigError([problem])
    assert data is not None
    return parse_config(data, text, str(path), path.resolve().parent)
