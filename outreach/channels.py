"""The plugin API: the one module a channel plugin imports.

A plugin is a whole platform. It is a subclass of ``Channel`` published in
the entry-point group ``outreach.channels``::

    [project.entry-points."outreach.channels"]
    vk = "outreach_vk:VKChannel"

Outreach makes one instance per ``[channels.NAME]`` section of config.toml
that names the plugin, after checking the section against ``settings``.

What a plugin must do: ``publish``. Everything else has a harmless default:
a plugin that cannot read engagement simply reports nothing, and the store
shows "—" rather than 0.

Calls are synchronous and made from worker threads. A plugin whose client is
asynchronous (python-telegram-bot) keeps one event loop of its own on a
thread and submits coroutines to it; it must never create its client on one
loop and use it on another.

Errors: raise ``TransientError`` (network, timeouts, 5xx — retried with
backoff), ``RateLimitedError`` (retried after ``retry_after``), ``AuthError``
(token missing, revoked, wrong type or right) or ``PermanentError`` (the
platform will not take this post). Messages are shown to volunteers: say in
plain words what happened and what a person can do. Never put a token in a
message.

Everything a plugin needs from Outreach is here, so a plugin imports no
other ``outreach`` module: the centre's details (``Centre``), the message
catalogue (``_``, ``ngettext``, ``N_``, ``lazy_gettext``, ``pgettext`` and the
``format_*`` helpers for numbers and dates in the reader's language, see
docs/i18n.md), the fonts Outreach ships (``font_file``), the crops that keep
people's faces (``detect_faces``, ``face_crop_box``, ``best_portrait``), files for the
owner's eyes only (``private_folder``, ``write_private``), and the capped download of
what people send the bot (``capped_file``, ``download_file``). A plugin's own CLI
commands use ``outreach.commands`` as well (docs/plugins.md).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import logging
import os
import re
import sys
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from outreach.assets import font_file
from outreach.config import Centre, check_email
from outreach.config.schema import Field, check_zone
from outreach.errors import (
    AuthError,
    ChannelError,
    PermanentError,
    RateLimitedError,
    TransientError,
    os_reason,
)
from outreach.i18n import (
    N_,
    _,
    current_language,
    format_date,
    format_datetime,
    format_decimal,
    format_number,
    format_percent,
    format_time,
    lazy_gettext,
    ngettext,
    npgettext,
    pgettext,
)
from outreach.media.download import capped_file
from outreach.media.download import download as download_file
from outreach.media.faces import Face, best_portrait, detect_faces
from outreach.media.faces import crop_box as face_crop_box
from outreach.media.limits import MediaLimits
from outreach.media.probe import sha256_of
from outreach.pacing import WindowPacer, token_pacer
from outreach.text.latin import slugify, transliterate
from outreach.text.markdown import to_plain_text
from outreach.text.pieces import text_pieces

__all__ = [
    "N_",
    "_",
    "AuthError",
    "Capabilities",
    "Centre",
    "Channel",
    "ChannelContext",
    "ChannelError",
    "Card",
    "CheckResult",
    "DEEP_LINK_CODE",
    "Engagement",
    "Face",
    "FakePlatform",
    "Field",
    "FileRecords",
    "Incoming",
    "IncomingFile",
    "Lease",
    "Leases",
    "Library",
    "LocalLeases",
    "MediaLimits",
    "PermanentError",
    "Post",
    "PostPhoto",
    "Published",
    "RateLimitedError",
    "Reconciled",
    "Records",
    "Reply",
    "Returned",
    "SignupDesk",
    "TextLimits",
    "TransientError",
    "WindowPacer",
    "check_email",
    "check_zone",
    "best_portrait",
    "capped_file",
    "client_hung_up",
    "current_language",
    "detect_faces",
    "download_file",
    "face_crop_box",
    "font_file",
    "format_date",
    "format_datetime",
    "format_decimal",
    "format_number",
    "format_percent",
    "format_time",
    "lazy_gettext",
    "ngettext",
    "npgettext",
    "pgettext",
    "private_folder",
    "sha256_of",
    "slugify",
    "text_pieces",
    "to_plain_text",
    "token_pacer",
    "transliterate",
    "write_private",
    # Files' errors in plain words.
    "os_reason",
]


#: What a sign-up deep link's payload may hold: Telegram's alphabet for ``?start=``
#: (Bot API docs, "Deep linking"), which VK's ``?ref=`` takes too. Outreach's
#: referral codes always fit it; a payload that does not was typed or forged.
DEEP_LINK_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class TextLimits:
    """Longest text in characters: alone, and as the caption of photos."""

    max_text: int
    max_caption: int | None = None  # None: photos take the same text as max_text

    def for_post(self, with_photos: bool) -> int:
        if with_photos and self.max_caption is not None:
            return self.max_caption
        return self.max_text


@dataclass(frozen=True)
class Capabilities:
    engagement: bool = False  # engagement() returns figures
    audience: bool = False  # audience() returns a member count
    reconcile: bool = False  # reconcile() can tell whether a post exists
    signups: bool = False  # start_intake() receives sign-ups
    contact_button: bool = False  # Reply.ask_contact shows a "share my phone" button
    returns: bool = False  # read_returns() finds what came back after publishing


@dataclass(frozen=True)
class PostPhoto:
    path: Path  # a rendition already fitted to the channel's MediaLimits
    caption: str | None = None
    alt: str | None = None
    credit: str | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class Post:
    """Everything a plugin needs to publish one publication."""

    publication_id: int
    idempotency_key: str  # stable per publication; use it where the platform has one
    text: str
    title: str
    photos: Sequence[PostPhoto] = ()
    referral_code: str | None = None
    signup_link: str | None = None
    story_id: int | None = None
    municipality: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Published:
    external_id: str
    url: str | None = None


@dataclass(frozen=True)
class Reconciled:
    """What a plugin learned about a publication interrupted mid-call."""

    exists: bool | None  # True: it was posted; False: it was not; None: cannot tell
    published: Published | None = None


@dataclass(frozen=True)
class Returned:
    """A publication that did not reach someone after all, learned after it was published
    (an e-mail to editors that came back undelivered)."""

    idempotency_key: str  # the publication's ``Post.idempotency_key``
    #: Names this return for ever (e.g. the returned letter's Message-ID), so it is
    #: recorded once however often it is passed on. At most 200 characters.
    key: str
    #: For the coordinators, in plain words: what came back, and what to do about it.
    reason: str


@dataclass(frozen=True)
class Engagement:
    """Counts for one post; None where the platform does not tell (shown as "—")."""

    external_id: str
    views: int | None = None
    likes: int | None = None
    shares: int | None = None
    comments: int | None = None
    reactions: int | None = None


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str
    fix: str | None = None  # what a person should do, in plain words


class Library(ABC):
    """The centre's stories, read-only, for a channel that shows more than the post it
    publishes (a stand at an office shows the latest reports of its municipality)."""

    @property
    @abstractmethod
    def media_dir(self) -> Path:
        """The folder of story folders (``paths.media`` of config.toml), where files the
        centre keeps beside its stories live (a local-media channel's ``events.toml``)."""

    @abstractmethod
    def recent_reports(self, municipality: str | None, limit: int,
                       limits: MediaLimits) -> list[Post]:
        """The ``limit`` latest stories of ``municipality`` (every one when None) that may
        be shown: approved, with consent recorded for their photos; newest event first.

        Each is a ``Post`` outside any publication (``publication_id`` 0, no code)
        with its photos fitted to ``limits``, ``extra["summary"]`` and
        ``extra["event_date"]`` (a date or None).
        """


@dataclass(frozen=True)
class ChannelContext:
    """What Outreach gives a channel instance."""

    name: str  # the [channels.NAME] of config.toml
    output_dir: Path  # where a channel that writes files puts them
    data_dir: Path  # the channel's own state
    centre: Centre | None = None
    time_zone: str | None = None  # the centre's zone, from config.toml
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("outreach"))
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)
    #: Leadership among several workers, e.g. of a bot's update reader (see ``Lease``).
    leases: Leases = field(default_factory=lambda: LocalLeases())
    #: The channel's durable notes (see ``Records``); None: files in ``data_dir``.
    records: Records | None = None
    #: The centre's stories (see ``Library``); None where no store is open.
    library: Library | None = None


@dataclass(frozen=True)
class IncomingFile:
    """A file a person sent the bot: a photo (its best size), a document, a video.

    Nothing is downloaded until the desk asks ``Channel.fetch_file``.
    """

    file_id: str  # what ``fetch_file`` takes (Telegram ``file_id``)
    unique_id: str  # the same for the same file sent twice (Telegram ``file_unique_id``)
    kind: str  # "photo", "document" (a file sent as is), "video" or "other"
    size: int | None = None  # bytes, when the platform says
    width: int | None = None
    height: int | None = None
    mime: str | None = None  # a document's MIME type, as the sender's app gave it
    name: str | None = None  # a document's file name


@dataclass(frozen=True)
class Card:
    """A message for the coordinators' chat: a draft as its post would look, with buttons."""

    text: str
    photo: Path | None = None  # shown above the text
    choices: Sequence[tuple[str, str]] = ()  # (label, value sent back as Incoming.choice)


@dataclass(frozen=True)
class Incoming:
    """Something a person sent a channel's bot, in platform-free terms."""

    person: str  # the platform's stable id for the person (a Telegram or VK user id)
    text: str | None = None  # what they typed
    started: bool = False  # they opened the bot: /start, or VK's first message or "Start"
    start_code: str | None = None  # the deep link's payload (/start CODE, VK ?ref=CODE), raw
    contact_phone: str | None = None  # shared with the platform's own "share my phone" button
    # Whose phone the shared contact is, as the platform says: the id of the account it
    # belongs to ("" for none). Only the sender's own id vouches for the number; another
    # id is someone else's card, refused; None (the platform does not say) is as if typed.
    contact_person: str | None = None
    choice: str | None = None  # the value of a button they pressed
    attachment: bool = False  # they sent a photo, file or sticker instead of text
    display_name: str | None = None  # how the platform names them (a hint for their name)
    #: The platform's id of this event, unique per bot (Telegram ``update_id`` with the
    #: bot's id, VK's ``event_id``): the desk handles an event once, however often it
    #: is delivered. None: not checked.
    event: str | None = None
    #: Photos and files of the message (``attachment`` is set too).
    files: Sequence[IncomingFile] = ()
    album: str | None = None  # the album the message belongs to (Telegram media_group_id)
    #: A button pressed in a group chat (the coordinators'): that chat and the message the
    #: button was on. None for a private chat with the bot.
    chat: str | None = None
    message_id: str | None = None


@dataclass(frozen=True)
class Reply:
    """What the sign-up desk answers; the plugin renders it in the platform's terms."""

    text: str
    choices: Sequence[tuple[str, str]] = ()  # buttons: (label, value sent back as choice)
    ask_contact: bool = False  # offer the platform's "share my phone number" button
    #: The answer to a button press, shown to the one who pressed it only (Telegram's
    #: answerCallbackQuery text), not a message in the chat.
    toast: bool = False
    #: Replaces the buttons of the message whose button was pressed with ``choices``
    #: and says ``text`` under it in that chat (a decision taken in the coordinators' chat).
    edit: bool = False


class SignupDesk(ABC):
    """The core's side of the sign-up dialog; a plugin with intake passes people to it.

    Calls may come from any thread; each person's messages should be handed
    over in the order they were sent.
    """

    @abstractmethod
    def handle(self, channel: str, message: Incoming) -> list[Reply]:
        """The replies to send back to ``message.person``, in order."""

    @abstractmethod
    def joined(self, channel: str, person: str, at: dt.datetime) -> None:
        """``person`` joined the community or channel (VK group_join, a Telegram join)."""

    def delivered(self, channel: str, message: Incoming) -> None:  # noqa: B027
        """The replies to ``message`` were sent (or can never be): forget them.

        Until then, a repeat of ``message`` (the same ``event``, read again by
        the worker that took over from one that died) gets the same replies
        again instead of nothing. Default: nothing is kept.
        """


class Lease(ABC):
    """Leadership of one job among every worker that shares the store: reading one bot's
    updates, which the platform hands to one reader only (Telegram's getUpdates) or to
    each reader alike (VK's Bots Long Poll).

    One worker at a time holds a lease; it stays alive by itself while the
    worker runs, and a worker that dies loses it within a bounded time (see
    ``outreach.engine.leases``), after which another worker's ``acquire``
    takes it. Check ``held`` before each step of the job: a worker that hung
    may find the lease gone. Outside ``outreach run`` (tests, one-off
    commands) every lease is held (``LocalLeases``).
    """

    #: Seconds a worker that does not hold the lease waits before trying again.
    retry_every: float = 2.0

    @abstractmethod
    def acquire(self) -> bool:
        """Take the lease if it is free, without waiting; True while this worker holds it."""

    @property
    @abstractmethod
    def held(self) -> bool:
        """Whether this worker holds the lease now."""

    @abstractmethod
    def release(self) -> None:
        """Give the lease up (when stopping), so another worker takes over at once."""

    @abstractmethod
    def position(self) -> str | None:
        """How far the job got (VK's long-poll ``ts``), as its last holder saved it."""

    @abstractmethod
    def save_position(self, value: str) -> bool:
        """Save the position while holding the lease; False, saving nothing, otherwise."""


class Leases(ABC):
    """Where a channel gets its leases: ``ChannelContext.leases``."""

    @abstractmethod
    def lease(self, name: str) -> Lease:
        """The lease called ``name`` (one per bot: ``"telegram:bot<id>"``), the same
        object each time in one process."""


class _LocalLease(Lease):
    def __init__(self) -> None:
        self._position: str | None = None

    def acquire(self) -> bool:
        return True

    @property
    def held(self) -> bool:
        return True

    def release(self) -> None:
        pass

    def position(self) -> str | None:
        return self._position

    def save_position(self, value: str) -> bool:
        self._position = value
        return True


class LocalLeases(Leases):
    """One process alone: every lease is held, positions are kept in memory."""

    def __init__(self) -> None:
        self._leases: dict[str, Lease] = {}

    def lease(self, name: str) -> Lease:
        return self._leases.setdefault(name, _LocalLease())


class Records(ABC):
    """A channel's own durable notes, keyed by text: what it must remember across a
    crash, e.g. that an e-mail is being sent. Under ``outreach run`` they live in the
    store, so every worker sees them; elsewhere in files of the channel's data folder.
    Keep them small and free of secrets."""

    @abstractmethod
    def get(self, key: str) -> dict[str, Any] | None:
        """The note stored under ``key`` (at most 200 characters), or None."""

    @abstractmethod
    def put(self, key: str, value: Mapping[str, Any]) -> None:
        """Store ``value`` (JSON) under ``key``; it is durable when this returns."""


class FileRecords(Records):
    """Notes as JSON files in ``folder``, for a channel used without the store."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / (re.sub(r"[^A-Za-z0-9_.-]", "_", key) + ".json")

    def get(self, key: str) -> dict[str, Any] | None:
        import json

        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def put(self, key: str, value: Mapping[str, Any]) -> None:
        import json

        write_private(self._path(key), json.dumps(dict(value), ensure_ascii=False),
                      durable=True)


class FakePlatform(ABC):
    """A local stand-in for the platform, for ``outreach sandbox`` and tests."""

    @abstractmethod
    def start(self) -> str:
        """Start serving on 127.0.0.1 (OSError when the port is taken); return the base URL."""

    @abstractmethod
    def stop(self) -> None:
        """Stop serving and release the port."""

    def describe(self) -> Mapping[str, str]:
        """Ready-made settings (URLs, tokens) to print for a person rehearsing."""
        return {}

    def rehearse_report(self, reporter_code: str, coordinator_code: str | None,
                        photos: Sequence[Path], caption: str, coordinators_chat: str | None,
                        start_after: float = 60.0, approve_after: float = 180.0) -> bool:
        """Play a reporter who opens ``reporter_code``'s invitation link and sends a photo
        report (``photos``, ``caption``) ``start_after`` seconds of the fake's clock from
        now, answering with the first button each time; and a coordinator who opens
        ``coordinator_code``'s link and approves the report's card in
        ``coordinators_chat`` ``approve_after`` seconds after it arrives. False: this fake
        cannot (the default)."""
        return False


def private_folder(path: Path) -> Path:
    """``path`` made (with its parents) and readable by its owner only (0700)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)  # mkdir's mode yields to the umask, and the folder may be older
    return path


def write_private(path: Path, data: str | bytes, *, durable: bool = False) -> None:
    """Replace ``path`` atomically with ``data``, readable by its owner only (0600).

    For state that holds people's names and phones (the fakes' simulated
    people, uploaded photos). ``durable`` waits until the data is on disk.
    """
    private_folder(path.parent)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data.encode("utf-8") if isinstance(data, str) else data)
            if durable:
                file.flush()
                os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def client_hung_up(platform: str) -> bool:
    """In a fake's HTTP ``handle_error``: True, after one log line, when the client hung up.

    A service stopped in the middle of a long poll leaves the fake an answer
    nobody will read: a line to say so, not a traceback in the sandbox's terminal.
    """
    error = sys.exc_info()[1]
    if not isinstance(error, ConnectionError):
        return False
    from outreach.i18n import _

    # Seen at every Ctrl-C of `make run`: the reader is told it is harmless (the
    # platforms resend what was not confirmed); the exception's name is for scripts.
    logging.getLogger("outreach.sandbox").info(
        _("{platform} sandbox: a client hung up before its answer was sent (usual when the "
          "service stops; nothing is lost)").format(platform=platform),
        extra={"error": type(error).__name__})
    return True


class Channel(ABC):
    """One configured channel of a platform. Subclass it in a plugin."""

    #: The plugin's name as written in ``plugin = "..."``.
    plugin_name: ClassVar[str] = ""
    #: The plugin's own keys in a ``[channels.NAME]`` section.
    settings_schema: ClassVar[Mapping[str, Field]] = {}
    #: What the platform accepts.
    text_limits: ClassVar[TextLimits] = TextLimits(max_text=4096)
    media_limits: ClassVar[MediaLimits] = MediaLimits()
    #: What the channel can do; a channel may narrow or widen it by its settings.
    capabilities: Capabilities = Capabilities()
    #: How many publish calls Outreach makes to one channel at once.
    max_concurrency: ClassVar[int] = 1
    #: Seconds a publish call may take before Outreach stops waiting for it; the
    #: publication then waits for reconcile or a person (see ``reconcile``).
    call_timeout: ClassVar[float] = 120.0

    def __init__(self, context: ChannelContext, settings: Mapping[str, Any]) -> None:
        """``settings`` are the section's checked values; a key left out takes its
        ``settings_schema`` default, so ``self.settings[key]`` always has a value."""
        self.context = context
        defaults = {key: copy.deepcopy(field.default)
                    for key, field in self.settings_schema.items() if not field.required}
        self.settings = {**defaults, **settings}

    @property
    def name(self) -> str:
        return self.context.name

    @property
    def records(self) -> Records:
        """Where this channel keeps notes that must outlive a crash (see ``Records``)."""
        return self.context.records or FileRecords(self.context.data_dir / "records")

    def secret(self, key: str) -> str:
        """The secret held by the environment variable that setting ``key`` names.

        Raises AuthError naming the variable (never its value) when it is unset.
        """
        variable = self.settings.get(key)
        if not variable:
            raise AuthError(_("channel {channel}: setting {key} is not set").format(
                channel=self.name, key=key))
        value = self.context.env.get(variable)
        if not value:
            raise AuthError(_("channel {channel}: environment variable {variable} (from {key}) "
                              "is not set").format(channel=self.name, variable=variable, key=key))
        return value

    def signup_link(self, code: str) -> str | None:
        """The deep link a person follows to sign up with ``code``, if the platform has one."""
        return None

    @classmethod
    def external_id_from_url(cls, url: str) -> str | None:
        """The post's id as the platform names it (``Published.external_id``), read from
        the post's public link, or None when the link does not show it.

        ``outreach publications resolve ID --posted URL`` records a post a person
        found on the platform by its link; with the id, its engagement is
        collected like any other's. Default: None (the link itself is then the id).
        """
        return None

    def outlets(self) -> Sequence[str]:
        """Named outlets this channel serves (newspapers, offices), each with its own code.

        Outreach makes a referral code per outlet and passes them in
        ``Post.extra["outlet_codes"]`` as ``{outlet: {"short_code": ..., "link": ...}}``.
        """
        return ()

    def prints_publication_code(self) -> bool:
        """True when publishing prints the post for people to read off paper (posters
        made with each publication); False (the default) otherwise.

        Such a channel's ``Post.extra["short_code"]`` is the publication's code to say
        on the phone or type after /start ("MAC-3", given on first use), and
        ``Post.signup_link`` carries it instead of the long code: a printed link is
        copied by hand. Either form of the code finds the publication.
        """
        return False

    def poster_formats(self) -> Sequence[str] | None:
        """The poster formats this channel prints a campaign's placements in; None (the
        default) when it prints none.

        For such a channel, a publication of a campaign with ``[[placements]]`` gets
        ``Post.extra["placements"]``: a list of ``{"name": ..., "municipality": ...,
        "formats": [...], "short_code": ..., "link": ...}``, each place with its own
        code, and ``Post.extra["campaign_file"]``, the campaign file to name in errors.
        ``outreach campaigns validate`` reports a place's format not in this list.
        """
        return None

    @abstractmethod
    def publish(self, post: Post) -> Published:
        """Publish ``post``; return the platform's id and public URL."""

    def reconcile(self, post: Post, attempted_at: dt.datetime) -> Reconciled:
        """After a crash mid-publish: does ``post`` exist on the platform?

        ``post`` is rendered again exactly as it was sent; ``attempted_at`` is
        when the interrupted attempt began (an idempotency key such as VK's
        ``guid`` is honoured only for a while). Return ``exists=True`` with the
        platform's id when it was posted, ``False`` when it surely was not (the
        engine then publishes it normally), or ``None`` when the platform cannot
        tell: the publication then waits for a person as ``uncertain``.
        Default: cannot tell.
        """
        return Reconciled(exists=None)

    def engagement(self, external_ids: Sequence[str]) -> list[Engagement]:
        """Current counts for these posts, in as few platform calls as it can."""
        return []

    def audience(self) -> int | None:
        """Current member or subscriber count, or None when unknown."""
        return None

    def read_returns(self, record: Callable[[Returned], None]) -> int:
        """Look for publications that came back after they were published (mail that
        bounced) and pass each to ``record``; return how many were passed.

        ``record`` fails the publication and tells the coordinators, once per
        ``Returned.key`` however often it is called, so mark a return handled on the
        platform (a bounce read) only after ``record`` returns: a crash between the
        two loses nothing. Leave alone what is not a return. Called on a schedule
        under ``outreach run`` when ``capabilities.returns`` is true. Raise
        ``TransientError`` when the platform cannot be reached, ``AuthError`` when it
        refuses the login. Default: nothing comes back.
        """
        return 0

    def check(self) -> list[CheckResult]:
        """Verify tokens and rights against the platform; say what to fix."""
        return [CheckResult(ok=True, message=_("no checks for this plugin"))]

    def start_intake(self, desk: SignupDesk) -> None:  # noqa: B027  (optional: see capabilities)
        """Begin receiving people's messages in the background and pass them to ``desk``.

        Send each ``Reply`` back to the person; keep going until ``stop_intake``
        or ``close``. Only plugins whose ``capabilities.signups`` is true are asked.
        """

    def stop_intake(self) -> None:  # noqa: B027
        """Stop receiving people's messages."""

    def notify(self, chat: str, text: str) -> None:
        """Send ``text`` to ``chat`` (the coordinators' chat), if the platform can."""
        raise PermanentError(_("channel {channel} cannot send messages to a chat").format(
            channel=self.name))

    def send_card(self, chat: str, card: Card) -> None:
        """Send ``card`` to ``chat`` with its photo and buttons; presses on them reach the
        desk as ``Incoming`` with ``chat`` set. Default: its text alone, by ``notify``."""
        self.notify(chat, card.text)

    def private_chat(self, person: str) -> str:
        """The chat in which ``notify`` reaches ``person`` (an ``Incoming.person``)."""
        return person

    #: The largest file (bytes) a bot may download from the platform; None: no limit.
    download_limit: ClassVar[int | None] = None

    def fetch_file(self, file: IncomingFile, target: Path) -> None:
        """Write ``file`` to ``target``, streamed (never whole in memory).

        Raise ``PermanentError`` when the platform will not give it (too big,
        gone). Only plugins that pass ``Incoming.files`` are asked.
        """
        raise PermanentError(_("channel {channel} cannot download files").format(
            channel=self.name))

    def close(self) -> None:  # noqa: B027  (optional hook: most plugins hold nothing)
        """Release connections and threads."""

    #: The setting that points a channel at the platform's API. The sandbox serves the
    #: fake at the address the rehearsing channels give there (on 127.0.0.1).
    api_url_setting: ClassVar[str] = "api_url"
    #: The port ``outreach sandbox`` serves this plugin's fake on when no channel's
    #: ``api_url_setting`` names one (0, or taken: any free port).
    sandbox_port: ClassVar[int] = 0

    @classmethod
    def fake_platform(cls, data_dir: Path | None = None, port: int = 0,
                      speed: float = 1.0) -> FakePlatform | None:
        """A local fake of the platform, or None when the plugin has none.

        ``speed`` runs the fake's audience faster than real time (views, likes
        and members grow ``speed`` times as fast), for demonstrations.
        """
        return None

    @classmethod
    def demo_files(cls, media_dir: Path, today: dt.date) -> list[Path]:
        """Write the files this plugin reads from the media folder, as samples for the
        demo (``outreach init --samples``), dated from ``today`` on; return those written.

        A file already there is the centre's and stays as it is (one the demo wrote,
        left unedited, may be dated again). Written in the current language.
        """
        return []

    @classmethod
    def sandbox_environment(cls, settings: Mapping[str, Any],
                            described: Mapping[str, str]) -> dict[str, str]:
        """Environment variables that let a channel with ``settings`` use the running fake.

        ``described`` is the fake's ``describe()``: typically its ready-made
        tokens, put into the variables the channel's settings name.
        """
        return {}
