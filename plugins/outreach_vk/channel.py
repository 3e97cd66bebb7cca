"""The VK channel: publish to a community's wall, read engagement and audience.

The channel holds one ``Client`` per token (user, community) and hands them to
its helpers, the checks and the sign-up bot, which know nothing of the channel.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from outreach.channels import (
    AuthError,
    Capabilities,
    Card,
    Channel,
    ChannelContext,
    ChannelError,
    CheckResult,
    Engagement,
    FakePlatform,
    Field,
    IncomingFile,
    MediaLimits,
    PermanentError,
    Post,
    PostPhoto,
    Published,
    Reconciled,
    SignupDesk,
    TextLimits,
    TransientError,
    _,
    download_file,
    ngettext,
    os_reason,
)
from outreach_vk import engagement, limits
from outreach_vk.attempts import Attempt, Attempts, fingerprint
from outreach_vk.client import Client, Who, make_api, make_session, pacer_for

if TYPE_CHECKING:
    import requests

    from outreach_vk.intake import Intake


#: A post's link: vk.com/wall-<group>_<post>, or a community page opened on the post
#: (vk.com/<name>?w=wall-<group>_<post>). The id is "<owner>_<post>", as wall.getById takes it.
_POST_LINK = re.compile(r"vk\.com/\S*wall(-?\d+_\d+)")


def _positive(value: int) -> str | None:
    return None if value > 0 else _("must be the community's number, e.g. 229000001 "
                                    "(no minus)")


class VKChannel(Channel):
    """A VK community: a user token publishes, a community token reads and runs the bot."""

    plugin_name = "vk"
    sandbox_port = 8701  # the example config's api_url; `outreach sandbox` without one
    settings_schema = {
        "group_id": Field(int, required=True, check=_positive,
                          help="The community's id, the number in vk.com/club<id>"),
        "user_token_env": Field(str, env=True, default=None,
                                help="Environment variable with a community administrator's "
                                     "user token (rights wall, photos, groups, offline)"),
        "community_token_env": Field(str, env=True, default=None,
                                     help="Environment variable with the community's token "
                                          "(messages), for audience and the sign-up bot"),
        "api_url": Field(str, default="https://api.vk.com",
                         help="VK's API address; the sandbox's address to rehearse"),
        "signature": Field(bool, default=False, help="Sign posts with the author's name"),
        "close_comments": Field(bool, default=False, help="Turn comments off on new posts"),
    }
    # VK documents no longest text: see limits.MAX_TEXT. A post's photos share its text.
    text_limits = TextLimits(max_text=limits.MAX_TEXT)
    # VK takes up to 50 MB and width + height 14,000; 2560 px is plenty for a feed
    # and keeps uploads quick on a village connection.
    media_limits = MediaLimits(max_side=2560, max_sum=limits.PHOTO_MAX_SUM,
                               max_ratio=limits.PHOTO_MAX_RATIO, max_bytes=10 * 1024 * 1024,
                               formats=limits.PHOTO_FORMATS,
                               max_photos=limits.MAX_ATTACHMENTS, quality=90)
    capabilities = Capabilities(engagement=True, audience=True, reconcile=True)
    #: Seconds per pacing window; tests against a time-scaled fake shorten it.
    pace_window: ClassVar[float] = limits.PACE_WINDOW
    #: The sign-up bot's long-poll wait and first backoff (seconds); tests shorten the backoff.
    intake_wait: ClassVar[int] = limits.LONG_POLL_WAIT
    intake_backoff: ClassVar[float] = limits.LONG_POLL_BACKOFF

    def __init__(self, context: ChannelContext, settings: Mapping[str, Any]) -> None:
        super().__init__(context, settings)
        self.group_id: int = int(self.settings["group_id"])
        self.api_url: str = self.settings.get("api_url") or "https://api.vk.com"
        self._clients: dict[str, Client] = {}
        self._session: requests.Session | None = None
        self._lock = threading.Lock()
        self.intake: Intake | None = None
        self.attempts = Attempts(context.data_dir)
        if self.settings.get("community_token_env"):
            # The sign-up bot runs on the community token (messages.send, Bots Long Poll).
            self.capabilities = Capabilities(
                engagement=True, audience=True, reconcile=True, signups=True)

    # --- clients, made on first use ---

    def client(self, role: str) -> Client:
        """The client of the ``role`` token ("user" or "community"), made on first use."""
        key = f"{role}_token_env"
        if not self.settings.get(key):
            if role == "user":
                raise AuthError(_("channel {channel}: publishing needs a community "
                                  "administrator's user token; set {key} (see docs/vk.md)")
                                .format(channel=self.name, key=key))
            raise AuthError(_("channel {channel}: this needs the community's token; set {key} "
                              "(see docs/vk.md)").format(channel=self.name, key=key))
        token = self.secret(key)
        with self._lock:
            if role not in self._clients:
                if self._session is None:
                    self._session = make_session(self.api_url)
                rate = limits.USER_RPS if role == "user" else limits.COMMUNITY_RPS
                pacer = pacer_for(token, rate, self.pace_window)
                self._clients[role] = Client(make_api(token, self._session, pacer),
                                             self._session, pacer,
                                             Who(self.name, role, self.settings[key],
                                                 self.group_id))
            return self._clients[role]

    def _call(self, role: str, method: str, values: Mapping[str, Any] | None = None) -> Any:
        return self.client(role).call(method, values)

    # --- publishing ---

    def publish(self, post: Post) -> Published:
        if len(post.photos) > limits.MAX_ATTACHMENTS:
            raise PermanentError(ngettext(
                "channel {channel}: VK takes at most {most} photos in a post; this one has "
                "{count}",
                "channel {channel}: VK takes at most {most} photos in a post; this one has "
                "{count}", limits.MAX_ATTACHMENTS).format(
                channel=self.name, most=limits.MAX_ATTACHMENTS, count=len(post.photos)))
        key = post.idempotency_key
        attempt = self.attempts.load(key)
        if attempt.sent_at is not None:  # an earlier wall.post may have gone out
            found = self._find(post, attempt, attempt.sent_at)
            if found is None:
                raise TransientError(_(
                    "channel {channel}: an earlier attempt may have posted this already, and "
                    "so many posts followed it on the wall that Outreach cannot tell; it "
                    "looks again later. If you find the post, record it with outreach "
                    "publications resolve").format(channel=self.name))
            if found is not False:
                return self._published(found)
        attachments = self._attachments(key, post.photos, attempt)
        values: dict[str, Any] = {
            "owner_id": -self.group_id, "from_group": 1, "message": post.text,
            "guid": guid_of(post)}
        if attachments:
            values["attachments"] = ",".join(attachments)
        if self.settings.get("signature"):
            values["signed"] = 1
        if self.settings.get("close_comments"):
            values["close_comments"] = 1
        attempt.sent_at = time.time()
        self.attempts.save(key, attempt)
        answer = self._call("user", "wall.post", values)
        return self._published(int(answer["post_id"]))

    def _attachments(self, key: str, photos: Sequence[PostPhoto], attempt: Attempt) -> list[str]:
        """The post's photos on VK: those an earlier attempt uploaded, else uploaded now."""
        if not photos:
            return []
        made_from = fingerprint(photos)
        if attempt.photos and attempt.made_from == made_from:
            return attempt.photos
        attempt.photos, attempt.made_from = self._upload(photos), made_from
        self.attempts.save(key, attempt)
        return attempt.photos

    def _find(self, post: Post, attempt: Attempt, since: float) -> int | bool | None:
        from outreach_vk.wall import find_post

        known = attempt.photos if attempt.made_from == fingerprint(post.photos) else []
        return find_post(self.client("user"), post.text, known, len(post.photos), since)

    def _published(self, post_id: int) -> Published:
        return Published(external_id=f"-{self.group_id}_{post_id}",
                         url=f"https://vk.com/wall-{self.group_id}_{post_id}")

    def _upload(self, photos: Sequence[PostPhoto]) -> list[str]:
        server = self._call("user", "photos.getWallUploadServer", {"group_id": self.group_id})
        return [self._upload_one(server["upload_url"], photo) for photo in photos]

    def _upload_one(self, upload_url: str, photo: PostPhoto) -> str:
        import requests

        session = self.client("user").session
        try:
            with photo.path.open("rb") as file:
                # One photo a request, in the field VK's docs name (not vk_api's file0).
                reply = session.post(upload_url,
                                     files={limits.UPLOAD_FIELD: (photo.path.name, file)})
            reply.raise_for_status()
            uploaded = reply.json()
        except OSError as exc:
            if isinstance(exc, requests.RequestException):
                raise TransientError(_(
                    "channel {channel}: uploading photo {name} to VK failed ({error}); "
                    "Outreach will try again later").format(
                    channel=self.name, name=photo.path.name,
                    error=type(exc).__name__)) from None
            raise PermanentError(_("channel {channel}: photo {path} cannot be read: {reason}")
                                 .format(channel=self.name, path=photo.path,
                                         reason=os_reason(exc))) from None
        except ValueError:
            raise TransientError(_("channel {channel}: VK's upload server gave an unreadable "
                                   "answer for photo {name}").format(
                channel=self.name, name=photo.path.name)) from None
        if not uploaded.get("photo") or uploaded.get("photo") == "[]":
            raise PermanentError(_(
                "channel {channel}: VK did not accept photo {name} ({why}); replace the "
                "photo or remove it from the story").format(
                channel=self.name, name=photo.path.name,
                why=uploaded.get("error") or _("not a JPG, PNG or GIF VK can read")))
        values = {"group_id": self.group_id, "server": uploaded["server"],
                  "photo": uploaded["photo"], "hash": uploaded["hash"]}
        if photo.caption:
            values["caption"] = photo.caption
        saved = self._call("user", "photos.saveWallPhoto", values)[0]
        return f"photo{saved['owner_id']}_{saved['id']}"

    def reconcile(self, post: Post, attempted_at: dt.datetime) -> Reconciled:
        attempt = self.attempts.load(post.idempotency_key)
        since = attempted_at.timestamp()
        if attempt.sent_at is not None:
            since = min(since, attempt.sent_at)
        found = self._find(post, attempt, since)
        if found is None:
            return Reconciled(exists=None)
        if found is False:  # the engine publishes it again, with the photos already uploaded
            return Reconciled(exists=False)
        return Reconciled(exists=True, published=self._published(found))

    # --- reading ---

    def engagement(self, external_ids: Sequence[str]) -> list[Engagement]:
        return engagement.read_all(
            external_ids, lambda code: self._call("user", "execute", {"code": code}))

    def audience(self) -> int | None:
        role = "community" if self.settings.get("community_token_env") else "user"
        answer = self._call(role, "groups.getById", {"group_id": self.group_id,
                                                     "fields": "members_count"})
        groups = answer.get("groups") or [{}]
        count = groups[0].get("members_count")
        return count if isinstance(count, int) else None

    def check(self) -> list[CheckResult]:
        from outreach_vk.checks import check_token, missing_token

        results: list[CheckResult] = []
        for role in ("user", "community"):
            variable = self.settings.get(f"{role}_token_env")
            if not variable:
                results.append(missing_token(role))
            elif self.context.env.get(variable):  # unset: the registry already said so
                try:
                    results.extend(check_token(self.client(role)))
                except ChannelError as exc:
                    results.append(CheckResult(ok=False, message=str(exc)))
        return results

    def signup_link(self, code: str) -> str | None:
        return f"https://vk.me/club{self.group_id}?ref={code}"

    @classmethod
    def external_id_from_url(cls, url: str) -> str | None:
        match = _POST_LINK.search(url)
        return match.group(1) if match else None

    # --- the sign-up bot ---

    def start_intake(self, desk: SignupDesk) -> None:
        from outreach_vk.intake import Intake

        if not self.settings.get("community_token_env"):
            raise AuthError(_("channel {channel}: the sign-up bot needs the community's "
                              "token (messages right); set community_token_env "
                              "(see docs/vk.md)").format(channel=self.name))
        self.stop_intake()
        intake = Intake(channel=self.name, group_id=self.group_id, desk=desk,
                        client=self.client("community"),
                        lease=self.context.leases.lease(f"vk:club{self.group_id}"),
                        log=self.context.logger, records=self.records, wait=self.intake_wait,
                        backoff=self.intake_backoff)
        intake.start()
        self.intake = intake

    def stop_intake(self) -> None:
        intake, self.intake = self.intake, None
        if intake is not None:
            intake.stop()

    def notify(self, chat: str, text: str) -> None:
        from outreach_vk.intake import deliver, parts_of

        peer = self._peer(chat)
        client, first = self.client("community"), secrets.randbits(31) or 1
        for number, piece in enumerate(parts_of(text)):
            deliver(client, {"peer_id": peer, "message": piece, "random_id": first + number},
                    self.intake_backoff)

    def _peer(self, chat: str) -> int:
        try:
            return int(str(chat).strip())
        except ValueError:
            raise PermanentError(_("channel {channel}: the coordinators' chat must be a VK "
                                   "peer id (a number such as 2000000001), not {chat!r}")
                                 .format(channel=self.name, chat=chat)) from None

    #: VK documents no download limit for bots; a photo VK holds is at most 50 MB.
    download_limit = limits.DOWNLOAD_MAX

    def fetch_file(self, file: IncomingFile, target: Path) -> None:
        # The address comes from VK's own attachment: a plain GET, no token with it.
        download_file(self.client("community").session, file.file_id, target,
                      limit=limits.DOWNLOAD_MAX, timeout=120, platform=_("VK"))

    def send_card(self, chat: str, card: Card) -> None:
        from outreach_vk.intake import parts_of
        from outreach_vk.reports import send_card

        send_card(self.client("community"), self._peer(chat), card, parts_of(card.text),
                  self.records)

    def close(self) -> None:
        self.stop_intake()
        with self._lock:
            if self._session is not None:
                self._session.close()
            self._session = None
            self._clients.clear()

    @classmethod
    def fake_platform(cls, data_dir: Path | None = None, port: int = 0,
                      speed: float = 1.0) -> FakePlatform | None:
        from outreach_vk.fake import FakeVK

        return FakeVK(data_dir=data_dir, port=port, speed=speed, crowd=True)

    @classmethod
    def sandbox_environment(cls, settings: Mapping[str, Any],
                            described: Mapping[str, str]) -> dict[str, str]:
        pairs = (("user_token_env", "user_token"), ("community_token_env", "community_token"))
        return {settings[key]: described[token] for key, token in pairs if settings.get(key)}


def guid_of(post: Post) -> str:
    """VK's ``guid`` for a publication: the same on every retry and after a restart."""
    return hashlib.sha256(f"outreach:{post.idempotency_key}".encode()).hexdigest()[:32]
