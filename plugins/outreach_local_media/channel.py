"""The local-media channel: a press kit folder per publication, for print and radio.

Nothing goes over the network: "publishing" writes a kit that a volunteer
takes to the newspaper, the radio or the pension-fund office. Photos arrive
already fitted to ``media_limits`` (print size, EXIF stripped) by the core.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outreach.channels import (
    AuthError,
    Capabilities,
    Channel,
    ChannelContext,
    CheckResult,
    Field,
    MediaLimits,
    PermanentError,
    Post,
    Published,
    Reconciled,
    Returned,
    TextLimits,
    TransientError,
    _,
    check_email,
    format_date,
    format_number,
    os_reason,
    slugify,
)
from outreach_local_media.mail import TLS_MODES
from outreach_local_media.mailer import Mailer
from outreach_local_media.places import check_formats, places_of, write_places
from outreach_local_media.posters.cmyk import ProfileError, profile_problem
from outreach_local_media.posters.layouts import layout_problems, layouts_from
from outreach_local_media.presskit import find_kit, write_kit

if TYPE_CHECKING:
    from outreach_local_media.events import Upcoming
    from outreach_local_media.posters import Event, PosterResult, Report



def default_call() -> str:
    """The posters' call to action when the channel's settings give none."""
    return _("Become a silver volunteer!")


BILLBOARD_WORDS = 7  # outdoor designers' rule for a board read from a moving car


def _check_billboard_headline(value: str) -> str | None:
    words = len(value.split())
    if words > BILLBOARD_WORDS:
        return _("has {count} words; a billboard is read in five seconds from a car, so "
                 "write at most {most}, e.g. \"Станьте серебряным волонтёром!\"").format(
            count=words, most=BILLBOARD_WORDS)
    return None


def _check_signup_url(value: str) -> str | None:
    if not value.startswith(("https://", "http://")):
        return _("must be a web link starting with https://, "
                 "e.g. 'https://t.me/your_bot?start={code}'")
    rest = value.replace("{code}", "")
    if rest == value:
        return _("must contain {code}, where the referral code goes")
    if "{" in rest or "}" in rest:
        return _("may contain only the placeholder {code} (no other {...})")
    return None


def _check_outlets(value: list[Any]) -> str | None:
    names: set[str] = set()
    for number, item in enumerate(value, start=1):
        if isinstance(item, dict):
            unknown = set(item) - {"name", "email"}
            if unknown:
                return _("item {number}: unknown key {key!r}; an outlet has name and "
                         "email").format(number=number, key=sorted(unknown)[0])
            name, email = item.get("name"), item.get("email", "")
            if not isinstance(name, str) or not name.strip():
                return _("item {number}: needs a name, e.g. "
                         "{{ name = \"Миасский рабочий\", email = \"editor@example.org\" }}"
                         ).format(number=number)
            problem = _check_address(email) if isinstance(email, str) else _("must be text")
            if problem:
                return _("item {number} ({name}): email {problem}").format(
                    number=number, name=name, problem=problem)
        elif isinstance(item, str) and item.strip():
            name = item
        else:
            return _("item {number} must be a name or {{ name = \"...\", email = \"...\" }}"
                     ).format(number=number)
        if name in names:
            return _("{name!r} is listed twice").format(name=name)
        names.add(name)
    return None


def _check_address(value: str) -> str | None:
    return check_email(value) if value else None


def _check_print_profile(value: str) -> str | None:
    return profile_problem(Path(value))


def _check_port(value: int) -> str | None:
    return None if 0 < value < 65536 else _("must be a port number from 1 to 65535")


def _check_budget(value: float) -> str | None:
    return None if 1 <= value <= 100 else _("must be between 1 and 100 (megabytes)")


class LocalMediaChannel(Channel):
    """Writes press kits (release, photos with captions and credits, manifest)."""

    plugin_name = "local-media"
    settings_schema = {
        "output_dir": Field(str, default=None,
                            help="Where kits go; relative to paths.output "
                                 "(default: a folder named after the channel there)"),
        "outlets": Field(list, default=[], check=_check_outlets,
                         help="Newspapers, radio stations, offices the kits are for; "
                              "each gets its own referral code in its release; "
                              "{ name = \"...\", email = \"...\" } e-mails it to the editors"),
        "smtp_server": Field(str, default=None,
                             help="Mail server for e-mails to editors, e.g. 'smtp.yandex.ru'"),
        "smtp_port": Field(int, default=None, check=_check_port,
                           help="465 for ssl, 587 for starttls (default by smtp_tls)"),
        "smtp_tls": Field(str, default="ssl", choices=TLS_MODES,
                          help="ssl, starttls, or none (a server on this machine only)"),
        "smtp_user": Field(str, default=None, help="Login at the mail server"),
        "smtp_password_env": Field(str, default=None, env=True,
                                   help="Environment variable that holds the mail password"),
        "mail_from": Field(str, default=None, check=_check_address,
                           help="The sender's address (default: smtp_user)"),
        "imap_server": Field(str, default=None,
                             help="Mailbox of mail_from, read for e-mails that came back "
                                  "undelivered, e.g. 'imap.yandex.ru' (default: not read)"),
        "imap_port": Field(int, default=None, check=_check_port,
                           help="993 for ssl, 143 for starttls (default by imap_tls)"),
        "imap_tls": Field(str, default="ssl", choices=TLS_MODES,
                          help="ssl, starttls, or none (a server on this machine only)"),
        "imap_user": Field(str, default=None, help="Login at the mailbox (default: smtp_user)"),
        "imap_password_env": Field(str, default=None, env=True,
                                   help="Environment variable that holds the mailbox password "
                                        "(default: the one smtp_password_env names)"),
        "imap_folder": Field(str, default="INBOX",
                             help="The mailbox folder bounces arrive in"),
        "mail_budget_mb": Field(float, default=15.0, check=_check_budget,
                                help="Attachments of one e-mail stay under this many MB"),
        "signup_url": Field(str, default=None, check=_check_signup_url,
                            help="Sign-up link with {code}: the posters' QR code and the link "
                                 "in releases, with the short code people can type, e.g. "
                                 "'https://t.me/your_bot?start={code}' or "
                                 "'https://vk.me/club123?ref={code}'"),
        "call_to_action": Field(str, default="",
                                help="The line above the phone number on posters "
                                     "(default: \"Станьте серебряным волонтёром!\")"),
        "layouts": Field(dict, default={}, check=layout_problems,
                         help="Poster formats to change or add: "
                              "{ stand = { width_mm = 1000, height_mm = 1400, dpi = 150 } }"),
        "posters": Field(list, items=str, default=[],
                         help="Formats rendered with every press kit, e.g. ['a4']"),
        "billboard_headline": Field(str, default="", check=_check_billboard_headline,
                                    help="The billboard's words, at most seven"),
        "crop_marks": Field(bool, default=False,
                            help="Crop marks outside the bleed of every poster PDF"),
        "print_profile": Field(str, default=None, path=True, check=_check_print_profile,
                               help="The print shop's CMYK colour profile (.icc): poster PDFs "
                                    "are then in its inks (default: sRGB)"),
    }
    # A press release has room; print wants large photos (about A4 at 300 dpi).
    text_limits = TextLimits(max_text=20_000)
    media_limits = MediaLimits(max_side=4000, max_bytes=20 * 1024 * 1024, formats=("JPEG",),
                               max_photos=20, quality=92)
    capabilities = Capabilities(reconcile=True)  # returns=True when imap_server is set

    def __init__(self, context: ChannelContext, settings: Mapping[str, Any]) -> None:
        super().__init__(context, settings)
        chosen = self.settings.get("output_dir")
        # context.output_dir is <paths.output>/<channel name>.
        self.root: Path = (context.output_dir.parent / Path(chosen).expanduser()
                           if chosen else context.output_dir)
        self._outlets: list[str] = []
        self._emails: dict[str, str] = {}
        for item in self.settings.get("outlets") or []:
            name = item["name"] if isinstance(item, dict) else item
            self._outlets.append(name)
            if isinstance(item, dict) and item.get("email"):
                self._emails[name] = item["email"]
        self.mailer = self._mailer()
        if self.settings.get("imap_server"):
            self.capabilities = Capabilities(reconcile=True, returns=True)
        self.layouts = layouts_from(self.settings.get("layouts"))
        unknown = [f for f in self.settings.get("posters") or [] if f not in self.layouts]
        if unknown:
            raise ValueError(_("posters: no format {name!r}; the formats are {formats}").format(
                name=unknown[0], formats=", ".join(self.layouts)))

    def _mailer(self) -> Mailer | None:
        server = self.settings.get("smtp_server")
        if not self._emails:
            return None
        if not server:
            raise ValueError(_("outlet {name!r} has an e-mail address, but smtp_server is not "
                               "set: add the mail server (see docs/press.md) or remove the "
                               "address").format(name=next(iter(self._emails))))
        sender = self.settings.get("mail_from") or self.settings.get("smtp_user") or ""
        if not sender or _check_address(sender):
            raise ValueError(_("set mail_from (or smtp_user) to the address e-mails to editors "
                               "come from, e.g. mail_from = \"press@example.org\""))
        tls = self.settings["smtp_tls"]
        port = self.settings.get("smtp_port") or {"ssl": 465, "starttls": 587}.get(tls, 25)
        return Mailer(self, host=server, port=port, tls=tls, sender=sender,
                      budget=int(float(self.settings["mail_budget_mb"]) * 1024 * 1024),
                      emails=dict(self._emails))

    def read_returns(self, record: Callable[[Returned], None]) -> int:
        """E-mails to editors that came back undelivered (``bounce_reader``)."""
        from outreach_local_media.bounce_reader import reader_for

        return reader_for(self).read(record) if self.settings.get("imap_server") else 0

    def signup_link(self, code: str) -> str | None:
        template = self.settings.get("signup_url")
        return template.replace("{code}", code) if template else None

    def outlets(self) -> list[str]:
        return list(self._outlets)

    def prints_publication_code(self) -> bool:
        return bool(self.settings.get("posters"))

    def poster_formats(self) -> list[str]:
        return list(self.layouts)

    @classmethod
    def demo_files(cls, media_dir: Path, today: dt.date) -> list[Path]:
        """The demo's meetings for the stands (``events.toml``), dated from ``today``."""
        from outreach_local_media.demo_events import write_sample_events

        return write_sample_events(media_dir, today)

    def render_poster(self, post: Post, layout: str, out_dir: Path | None = None,
                      name: str | None = None, *, reports: Sequence[Post] | None = None,
                      events: Sequence[Upcoming] | None = None, marks: bool | None = None,
                      municipality: str | None = None) -> PosterResult:
        """Render ``post`` as a poster in format ``layout``: a PDF for print (when the
        format has one) and a PNG preview, in ``out_dir`` (default <output>/posters).

        ``post.referral_code`` is printed as the short code to say on the phone,
        ``post.signup_link`` as the QR code; ``post.extra`` may give ``summary``
        (the short line under the headline) and ``call_to_action``. A stand shows
        ``reports`` (recent stories of its municipality, ``post`` when none) and
        ``events``; left out, they are the latest of the centre's stories and
        events (``stands.stand_news``) of ``municipality`` (default: the story's).
        ``marks`` adds crop marks (default: the ``crop_marks`` setting).
        """
        from outreach_local_media.posters import PosterContent, render_poster
        from outreach_local_media.stands import stand_news

        chosen = self.layouts.get(layout)
        if chosen is None:
            raise PermanentError(_("channel {channel}: no poster format {name!r}; the formats "
                                   "are {formats}").format(channel=self.name, name=layout,
                                                           formats=", ".join(self.layouts)))
        centre = self.context.centre
        logo = centre.logo if centre is not None else None
        if logo is not None and not logo.is_file():
            raise PermanentError(_(
                "centre.logo in config.toml names {path}, which does not exist; put the "
                "logo there or correct the path (or remove the line to print without a logo)"
            ).format(path=logo))
        if chosen.design == "stand" and (reports is None or events is None):
            news = stand_news(self.context, post, self.media_limits,
                              municipality=municipality)
            reports = news[0] if reports is None else reports
            events = news[1] if events is None else events
        extra = post.extra or {}
        content = PosterContent(
            title=post.title,
            line=str(extra.get("summary") or _first_sentence(post.text, post.title)),
            photos=[photo.path for photo in post.photos],
            centre_name=centre.name if centre else "",
            slogan=centre.slogan if centre else "",
            website=centre.website if centre else "",
            logo=logo,
            call_to_action=str(extra.get("call_to_action")
                               or self.settings.get("call_to_action") or default_call()),
            phone=centre.phone if centre else "",
            short_code=post.referral_code,
            link=post.signup_link,
            credits=[photo.credit or "" for photo in post.photos],
            address=centre.address if centre else "",
            billboard_headline=str(self.settings.get("billboard_headline") or ""),
            municipality=municipality or post.municipality or "",
            reports=[_report(story) for story in reports or ()],
            events=[_event(event) for event in events or ()],
        )
        folder = out_dir or self.root.parent / "posters"
        stem = name or "_".join(part for part in (
            slugify(post.title, 40), chosen.name, slugify(post.referral_code or "", 16)
            if post.referral_code else "") if part)
        if marks is None:
            marks = bool(self.settings.get("crop_marks"))
        profile = self.settings.get("print_profile")
        try:
            return render_poster(content, chosen, folder, stem, marks=marks,
                                 print_profile=Path(profile) if profile else None)
        except ProfileError as exc:  # the file changed since config was checked
            raise PermanentError(_("channel {channel}: print_profile: {problem}").format(
                channel=self.name, problem=exc)) from None
        except FileNotFoundError as exc:
            raise PermanentError(_("channel {channel}: photo {path} is missing; the poster "
                                   "was not made").format(channel=self.name,
                                                          path=exc.filename)) from None
        except OSError as exc:
            raise TransientError(_("channel {channel}: cannot make the poster in {folder}: "
                                   "{reason}").format(channel=self.name, folder=folder,
                                                      reason=os_reason(exc))) from None

    def render_placement(self, post: Post, layout: str, out_dir: Path | None = None,
                         name: str | None = None, *, short_code: str | None,
                         link: str | None, municipality: str | None = None,
                         marks: bool | None = None) -> PosterResult:
        """``post`` as a poster for one placement: its own ``short_code`` to say and
        ``link`` in the QR code; a stand shows the news of the place's ``municipality``
        (default: the story's). What `outreach posters render --placement` and the
        placements' posters in each press kit are both made by."""
        own = dataclasses.replace(post, referral_code=short_code, signup_link=link)
        return self.render_poster(own, layout, out_dir, name, marks=marks,
                                  municipality=municipality)

    def publish(self, post: Post) -> Published:
        places = places_of(post)
        check_formats(post, places, self.layouts, self.name)

        def place_posters(folder: Path) -> dict[str, Any]:
            return write_places(folder, post, places, self.layouts, lambda place, layout, out,
                                stem: self.render_placement(
                                    post, layout, out, stem, short_code=place.short_code,
                                    link=place.link, municipality=place.municipality))

        try:
            kit = write_kit(self.root, post, self.context.centre, self._outlets,
                            places=place_posters if places else None)
            # Posters of the publication itself, made the way a place's are: with the
            # publication's short code to say and the link that carries it.
            for layout in self.settings.get("posters") or []:
                self.render_placement(post, layout, short_code=(post.extra or {}).get(
                    "short_code"), link=post.signup_link)
            if self.mailer is not None:
                self.mailer.send_kit(post, kit)
        except FileNotFoundError as exc:
            raise PermanentError(_(
                "channel {channel}: photo {path} is missing; the press kit was not written"
            ).format(channel=self.name, path=exc.filename)) from None
        except OSError as exc:
            # A full disk or an unplugged USB stick may come back: worth retrying.
            raise TransientError(_(
                "channel {channel}: cannot write the press kit in {folder}: {reason}"
            ).format(channel=self.name, folder=self.root, reason=os_reason(exc))) from None
        return _published(kit.folder)

    def reconcile(self, post: Post, attempted_at: dt.datetime) -> Reconciled:
        kit = find_kit(self.root, post.publication_id, post.idempotency_key)
        if kit is None:
            return Reconciled(exists=False)
        if self.mailer is not None:
            mailed = self.mailer.settle(post)
            if mailed is not True:  # None: a letter may have gone out; False: some are due
                return Reconciled(exists=mailed)
        return Reconciled(exists=True, published=_published(kit.folder))

    def check(self) -> list[CheckResult]:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.root, prefix=".check-"):
                pass
        except OSError as exc:
            return [CheckResult(
                ok=False,
                message=_("cannot write press kits in {folder}: {reason}").format(
                    folder=self.root, reason=os_reason(exc)),
                fix=_("let this user write to the folder, or set output_dir to a folder "
                      "it may write to"),
            )]
        free = _free_megabytes(self.root)
        results = [CheckResult(ok=True, message=_("press kits go to {folder} ({free} MB free)")
                               .format(folder=self.root, free=format_number(free)))]
        if self.mailer is not None:
            results.append(self.mailer.check())
        if self.settings.get("print_profile"):
            results.append(_print_profile_check(Path(self.settings["print_profile"])))
        if self.settings.get("imap_server"):
            results.append(self._check_mailbox())
        return results

    def _check_mailbox(self) -> CheckResult:
        from outreach_local_media.bounce_reader import reader_for

        try:
            return reader_for(self).check()
        except AuthError as exc:  # the password's variable is not set
            return CheckResult(ok=False, message=str(exc),
                               fix=_("set the variable before starting Outreach"))


def _print_profile_check(path: Path) -> CheckResult:
    from outreach_local_media.posters.cmyk import open_profile

    try:
        profile = open_profile(path)
    except ProfileError as exc:
        return CheckResult(ok=False, message=_("print_profile: {problem}").format(problem=exc))
    return CheckResult(ok=True, message=_("poster PDFs are in CMYK for the print profile "
                                          "\"{name}\" ({path})").format(
        name=profile.description, path=path))


def _report(story: Post) -> Report:
    from outreach_local_media.posters import Report

    photo = story.photos[0] if story.photos else None
    when = (story.extra or {}).get("event_date")
    if isinstance(when, str):  # a publication's post gives it as ISO text (2026-10-14)
        when = dt.date.fromisoformat(when)
    return Report(title=story.title, photo=photo.path if photo else None,
                  caption=(photo.caption or "") if photo else "",
                  credit=(photo.credit or "") if photo else "",
                  date=format_date(when) if isinstance(when, dt.date) else "")


def _event(event: Upcoming) -> Event:
    from outreach_local_media.posters import Event

    when = format_date(event.date)
    return Event(when=f"{when}, {event.time}" if event.time else when, title=event.title,
                 place=event.place)


def _first_sentence(text: str, title: str) -> str:
    """The story's first sentence that is not its title: the line under a poster's headline."""
    import re

    for paragraph in text.split("\n\n"):
        paragraph = " ".join(paragraph.split())
        if not paragraph or paragraph == " ".join(title.split()) or paragraph.startswith("#"):
            continue
        sentence = re.split(r"(?<=[.!?…])\s", paragraph, maxsplit=1)[0]
        return sentence if len(sentence) <= 200 else sentence[:200].rsplit(" ", 1)[0] + "…"
    return ""


def _published(folder: Path) -> Published:
    return Published(external_id=folder.name, url=folder.resolve().as_uri())


def _free_megabytes(path: Path) -> int:
    stat = os.statvfs(path)
    return stat.f_bavail * stat.f_frsize // (1024 * 1024)
