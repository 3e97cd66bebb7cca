"""The OK channel: photo reports to an OK group, their engagement and the group's audience.

Publishing follows apiok.ru: photos go through ``photosV2.getUploadUrl``, a
multipart upload and the returned tokens straight into the topic's
attachment (``photosV2.commit`` is the step that saves uploads into an album,
which a group topic does not need); then ``mediatopic.post`` with
``type=GROUP_THEME`` and ``gid``.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from outreach.channels import (
    N_,
    Capabilities,
    Channel,
    ChannelContext,
    ChannelError,
    CheckResult,
    Engagement,
    FakePlatform,
    Field,
    MediaLimits,
    PermanentError,
    Post,
    PostPhoto,
    Published,
    RateLimitedError,
    Reconciled,
    TextLimits,
    TransientError,
    _,
)
from outreach_ok import limits
from outreach_ok.client import Client, Credentials, pacer_for
from outreach_ok.errors import Who

if TYPE_CHECKING:
    import requests


#: A group topic's public link: ok.ru/group/<gid>/topic/<id>, or a short-named group's
#: ok.ru/<name>/topic/<id>; the topic's number is what mediatopic.post returned.
_TOPIC_LINK = re.compile(r"^https?://(?:m\.)?ok\.ru/(?:group/\d+|[\w.-]+)/topic/(\d+)(?:[/?#]|$)")


def _signup_url(value: str) -> str | None:
    if not value.startswith(("https://", "http://")) or value.count("{code}") != 1 or \
            "{" in value.replace("{code}", "") or "}" in value.replace("{code}", ""):
        return _("must be a web link with {code} where the referral code goes, e.g. "
                 "'https://t.me/your_bot?start={code}'")
    return None


def _group_id(value: str) -> str | None:
    return None if value.isdigit() else _(
        "must be the group's number, the digits in ok.ru/group/<number>")


class OKChannel(Channel):
    """An OK group: one administrator's token publishes, reads topics and the group."""

    plugin_name = "ok"
    sandbox_port = 8704  # the example config's api_url; `outreach sandbox` without one
    settings_schema = {
        "group_id": Field(str, required=True, check=_group_id,
                          help=N_("The group's number, the digits in ok.ru/group/<number>")),
        "application_id": Field(int, required=True,
                                help=N_("The application's number from OK's letter")),
        "application_key": Field(str, required=True,
                                 help=N_("The application's public key from OK's letter")),
        "access_token_env": Field(str, env=True, required=True,
                                  help=N_("Environment variable with the access token of a "
                                          "group administrator")),
        "secret_key_env": Field(str, env=True, required=True,
                                help=N_("Environment variable with the application's "
                                        "secret key")),
        "signup_url": Field(str, default=None, check=_signup_url,
                            help=N_("The sign-up link each post carries, with {code}: the "
                                    "centre's VK or Telegram bot, e.g. "
                                    "https://t.me/your_bot?start={code}")),
        "api_url": Field(str, default=limits.API_URL,
                         help=N_("OK's API address; the sandbox's address to rehearse")),
    }
    text_limits = TextLimits(max_text=limits.MAX_TEXT)
    media_limits = MediaLimits(max_side=limits.PHOTO_MAX_SIDE,
                               max_bytes=10 * 1024 * 1024, formats=limits.PHOTO_FORMATS,
                               max_photos=limits.MAX_PHOTOS, quality=90)
    capabilities = Capabilities(engagement=True, audience=True, reconcile=True)
    #: Seconds per pacing window; tests against a fake with a short window shorten it.
    pace_window: ClassVar[float] = limits.PACE_WINDOW

    def __init__(self, context: ChannelContext, settings: Mapping[str, Any]) -> None:
        super().__init__(context, settings)
        self.group_id: str = str(self.settings["group_id"])
        self.api_url: str = self.settings.get("api_url") or limits.API_URL
        self._client: Client | None = None
        #: Publications whose mediatopic.post failed without a clear refusal, and when:
        #: OK may have made the topic, so the next attempt looks for it first.
        self._unsure: dict[str, dt.datetime] = {}
        self._session: requests.Session | None = None
        self._lock = threading.Lock()

    def client(self) -> Client:
        """The signed client, made on first use (raises AuthError when a secret is unset)."""
        token, secret = self.secret("access_token_env"), self.secret("secret_key_env")
        with self._lock:
            if self._client is None:
                import requests

                self._session = requests.Session()
                who = Who(self.name, self.settings["access_token_env"],
                          self.settings["secret_key_env"], self.group_id)
                credentials = Credentials(str(self.settings["application_key"]), token, secret)
                self._client = Client(self.api_url, credentials, who, self._session,
                                      pacer_for(token, self.pace_window))
            return self._client

    def _call(self, method: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.client().call(method, params)

    # --- publishing ---

    def publish(self, post: Post) -> Published:
        if len(post.photos) > limits.MAX_PHOTOS:
            raise PermanentError(_(
                "channel {channel}: OK takes at most {most} photos in a post; this one has "
                "{count}").format(channel=self.name, most=limits.MAX_PHOTOS,
                                  count=len(post.photos)))
        since = self._unsure.get(post.idempotency_key)
        if since is not None:  # OK takes no idempotency key: find an earlier attempt's topic
            found = self.reconcile(post, since)
            if found.exists and found.published is not None:
                del self._unsure[post.idempotency_key]
                return found.published
            if found.exists is None:
                raise TransientError(_(
                    "channel {channel}: OK may have the post from an earlier attempt, and the "
                    "group's newest topics do not tell; check the group before it is sent "
                    "again").format(channel=self.name))
            del self._unsure[post.idempotency_key]
        media: list[dict[str, Any]] = [{"type": "text", "text": post.text}]
        if post.photos:
            media.append({"type": "photo",
                          "list": [{"id": token} for token in self._upload(post.photos)]})
        started = dt.datetime.now(dt.UTC)
        try:
            topic = self._call("mediatopic.post", {"type": "GROUP_THEME",
                                                   "gid": self.group_id,
                                                   "attachment": {"media": media}})
        except RateLimitedError:
            raise  # OK refused it: nothing was posted
        except TransientError:
            self._unsure[post.idempotency_key] = started
            raise
        if not isinstance(topic, str | int) or not str(topic).isdigit() or str(topic) == "0":
            self._unsure[post.idempotency_key] = started
            raise TransientError(_(
                "channel {channel}: OK answered the post without a topic number; Outreach "
                "will look for it before trying again").format(channel=self.name))
        return self._published(str(topic))

    def _published(self, topic_id: str) -> Published:
        return Published(external_id=topic_id,
                         url=limits.TOPIC_URL.format(gid=self.group_id, topic_id=topic_id))

    def _upload(self, photos: Sequence[PostPhoto]) -> list[str]:
        """Upload tokens of ``photos``, in order."""
        place = self._call("photosV2.getUploadUrl", {"gid": self.group_id,
                                                     "count": len(photos)})
        ids = place.get("photo_ids") if isinstance(place, dict) else None
        if not isinstance(ids, list) or len(ids) != len(photos) or not place.get("upload_url"):
            raise TransientError(_(
                "channel {channel}: OK gave no place to upload the photos; Outreach will try "
                "again later").format(channel=self.name))
        uploaded = self.client().upload(place["upload_url"], [p.path for p in photos])["photos"]
        tokens = [(uploaded.get(photo_id) or {}).get("token") for photo_id in ids]
        if not all(tokens):
            raise TransientError(_(
                "channel {channel}: OK's upload server did not return every photo; Outreach "
                "will try again later").format(channel=self.name))
        return [str(token) for token in tokens]

    def reconcile(self, post: Post, attempted_at: dt.datetime) -> Reconciled:
        """OK takes no idempotency key: look for the text among the group's newest topics."""
        answer = self._call("mediatopic.getTopics", {"gid": self.group_id,
                                                     "count": limits.TOPICS_SCAN})
        topics = answer.get("media_topics", []) if isinstance(answer, dict) else []
        since = attempted_at.timestamp() * 1000 - 60_000  # a minute for the clocks
        reached_before = False
        for topic in topics:
            if int(topic.get("created_ms") or 0) < since:
                reached_before = True  # older than the attempt: the same text is another post
            elif _text_of(topic) == post.text:
                return Reconciled(exists=True, published=self._published(str(topic["id"])))
        if reached_before or not answer.get("has_more"):
            return Reconciled(exists=False)  # every topic since the attempt was seen
        return Reconciled(exists=None)

    # --- reading ---

    def engagement(self, external_ids: Sequence[str]) -> list[Engagement]:
        found: list[Engagement] = []
        for batch in _chunks(list(external_ids), limits.TOPICS_PER_GET_BY_IDS):
            answer = self._call("mediatopic.getByIds", {"topic_ids": ",".join(batch),
                                                        "fields": "media_topic.*"})
            for topic in answer.get("media_topics", []) if isinstance(answer, dict) else []:
                found.append(Engagement(
                    external_id=str(topic["id"]),
                    # Views (reach) of a group topic are in the group's statistics
                    # (group.getStatTopic), for administrators with statistics rights:
                    # not read, so shown as unknown rather than 0.
                    views=None,
                    likes=_count(topic, "like_summary", "count"),
                    shares=_count(topic, "reshare_summary", "count"),
                    comments=_count(topic, "discussion_summary", "comments_count")))
        return found

    def audience(self) -> int | None:
        answer = self._call("group.getInfo", {"uids": self.group_id,
                                              "fields": "uid,members_count"})
        groups = answer if isinstance(answer, list) else []
        count = groups[0].get("members_count") if groups else None
        return count if isinstance(count, int) else None

    def check(self) -> list[CheckResult]:
        from outreach_ok.checks import check_channel

        env = self.context.env
        if not (env.get(self.settings["access_token_env"])
                and env.get(self.settings["secret_key_env"])):
            return []  # an unset variable: the registry already said so
        try:
            return check_channel(self.client(), int(self.settings["application_id"]))
        except ChannelError as exc:
            return [CheckResult(ok=False, message=str(exc))]

    @classmethod
    def external_id_from_url(cls, url: str) -> str | None:
        match = _TOPIC_LINK.match(url.strip())
        return match.group(1) if match else None

    def signup_link(self, code: str) -> str | None:
        """OK's group messages are no sign-up bot a centre can get: the post links to the
        centre's bot on VK or Telegram (``signup_url``), which attributes the code."""
        template = self.settings.get("signup_url")
        return template.replace("{code}", code) if template else None

    def close(self) -> None:
        with self._lock:
            if self._session is not None:
                self._session.close()
            self._session = self._client = None

    @classmethod
    def fake_platform(cls, data_dir: Path | None = None, port: int = 0,
                      speed: float = 1.0) -> FakePlatform | None:
        from outreach_ok.fake import FakeOK

        return FakeOK(data_dir=data_dir, port=port, speed=speed)

    @classmethod
    def sandbox_environment(cls, settings: Mapping[str, Any],
                            described: Mapping[str, str]) -> dict[str, str]:
        pairs = (("access_token_env", "access_token"), ("secret_key_env", "secret_key"))
        return {settings[key]: described[value] for key, value in pairs if settings.get(key)}


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _text_of(topic: Mapping[str, Any]) -> str:
    return "\n".join(str(block.get("text", "")) for block in topic.get("media", [])
                     if isinstance(block, Mapping) and block.get("type") == "text")


def _count(topic: Mapping[str, Any], summary: str, key: str) -> int | None:
    value = topic.get(summary)  # OK leaves a summary out when it does not tell
    count = value.get(key) if isinstance(value, Mapping) else None
    return count if isinstance(count, int) else None
