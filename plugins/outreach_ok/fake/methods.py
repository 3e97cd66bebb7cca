"""The OK methods the fake serves, answering in the shapes apiok.ru documents.

Each method's required parameters and permission are those of its page
(apiok.ru/dev/methods/rest/<group>/<method>); an error is OK's
``{"error_code", "error_msg", "error_data"}`` with the codes of apiok.ru/dev/errors.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from outreach_ok import limits
from outreach_ok.errors import NAMES
from outreach_ok.fake.state import USERS, Store, Token, World, counts

#: Method -> (required parameters, permission it needs or None).
METHODS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "users.getCurrentUser": ((), None),
    "users.hasAppPermission": (("ext_perm",), None),
    "group.getInfo": (("uids", "fields"), None),
    "group.getUserGroupsByIds": (("group_id", "uids"), None),
    "photosV2.getUploadUrl": ((), limits.PHOTO_CONTENT),
    "mediatopic.post": (("attachment",), None),  # GROUP_CONTENT when gid is given
    "mediatopic.getTopics": (("gid",), None),
    "mediatopic.getByIds": (("topic_ids",), None),
}
#: The roles of the fake group's people (group.getUserGroupsByIds "status").
ROLES = {"575000000001": "ADMIN", "575000000002": "ACTIVE"}
UPLOAD_TTL_MS = 24 * 3600 * 1000  # photosV2.getUploadUrl's example answer: ttl_ms of a day


class OKError(Exception):
    """An error OK answers with ``error_code`` and ``error_msg``."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(f"{NAMES.get(code, 'UNKNOWN')} : {text}")
        self.code = code

    def body(self) -> dict[str, Any]:
        return {"error_code": self.code, "error_msg": str(self), "error_data": None}


def _int(params: Mapping[str, str], name: str, default: int) -> int:
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise OKError(100, f"Invalid parameter {name} value : {value}") from None


class Methods:
    """Method implementations over a Store; ``base_url`` is for upload addresses."""

    def __init__(self, store: Store, base_url: Callable[[], str]) -> None:
        self.store = store
        self.base_url = base_url
        self.faults: dict[str, Any] = {}

    def take(self, fault: str) -> bool:
        """Whether ``fault`` fires now (True: always; a number: that many more times)."""
        value = self.faults.get(fault)
        if value is True:
            return True
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            self.faults[fault] = value - 1
            return True
        return False

    @property
    def world(self) -> World:
        return self.store.world

    def call(self, method: str, token: Token, params: Mapping[str, str]) -> Any:
        if method not in METHODS:
            raise OKError(3, f"Method {method} is not found")
        required, permission = METHODS[method]
        for name in required:
            if not params.get(name):
                raise OKError(100, f"Missing required parameter {name}")
        if permission and permission not in token.permissions:
            raise OKError(10, f"Method requires permission {permission}")
        with self.store.lock:
            return getattr(self, method.replace(".", "_"))(token, params)

    def _group(self, gid: str | None) -> None:
        if gid != self.world.group_id:
            raise OKError(300, f"Group {gid} is not found")

    def _admin(self, token: Token) -> None:
        if ROLES.get(token.uid) != "ADMIN":
            raise OKError(10, "User is not an administrator or moderator of the group")

    # --- users ---

    def users_getCurrentUser(self, token: Token, params: Mapping[str, str]) -> Any:  # noqa: N802
        first, last = USERS[token.uid].split(" ", 1)
        return {"uid": token.uid, "name": USERS[token.uid], "first_name": first,
                "last_name": last}

    def users_hasAppPermission(self, token: Token,  # noqa: N802
                               params: Mapping[str, str]) -> Any:
        return params["ext_perm"] in token.permissions

    # --- group ---

    def group_getInfo(self, token: Token, params: Mapping[str, str]) -> Any:  # noqa: N802
        found = []
        for gid in params["uids"].split(","):
            if gid == self.world.group_id:
                found.append({"uid": gid, "name": self.world.group_name,
                              "members_count": self.members()})
        return found

    def group_getUserGroupsByIds(self, token: Token,  # noqa: N802
                                 params: Mapping[str, str]) -> Any:
        self._group(params["group_id"])
        return [{"group_id": params["group_id"], "uid": uid, "status": ROLES[uid]}
                for uid in params["uids"].split(",") if uid in ROLES]

    def members(self) -> int:
        """The group grows by one member for each topic's 20 likes, as a lively group does."""
        now = self.store.clock.now()
        likes = sum(counts(self.world.seed, t["id"], now - t["created"])["likes"]
                    for t in self.world.topics.values())
        members: int = self.world.members + likes // 20
        return members

    # --- photos (apiok.ru/dev/examples/photo_upload) ---

    def photosV2_getUploadUrl(self, token: Token,  # noqa: N802
                              params: Mapping[str, str]) -> Any:
        count = _int(params, "count", 1)
        if params.get("gid"):
            self._group(params["gid"])
            self._admin(token)
        if not 1 <= count <= limits.MAX_PHOTOS:
            raise OKError(100, f"Invalid parameter count value : {count}")
        ids = [secrets.token_urlsafe(24) for _ in range(count)]
        api_token = secrets.token_urlsafe(16)
        for photo_id in ids:
            self.world.uploads[photo_id] = {"api_token": api_token, "uid": token.uid,
                                            "token": None, "used": False}
        now_ms = int(self.store.clock.now() * 1000)
        return {"upload_url": f"{self.base_url()}/uploadImage?apiToken={api_token}"
                              f"&photoIds={','.join(ids)}",
                "photo_ids": ids, "expires_ms": now_ms + UPLOAD_TTL_MS, "ttl_ms": UPLOAD_TTL_MS}

    # --- topics ---

    def mediatopic_post(self, token: Token, params: Mapping[str, str]) -> Any:
        gid = params.get("gid")
        if gid:
            if limits.GROUP_CONTENT not in token.permissions:
                raise OKError(10, f"Method requires permission {limits.GROUP_CONTENT}")
            if params.get("type") not in ("GROUP_THEME", "GROUP_THEME_PROMO"):
                raise OKError(100, "type must be GROUP_THEME or GROUP_THEME_PROMO with gid")
            self._group(gid)
            self._admin(token)
        try:
            attachment = json.loads(params["attachment"])
        except ValueError:
            raise OKError(100, "Invalid parameter attachment : not JSON") from None
        media = attachment.get("media") if isinstance(attachment, dict) else None
        if not isinstance(media, list) or not media:
            raise OKError(100, "Invalid parameter attachment : no media")
        text, photos = self._media(media, token)
        topic_id = self.world.new_id()
        self.world.topics[topic_id] = {"id": topic_id, "gid": gid, "uid": token.uid,
                                       "text": text, "photos": photos,
                                       "created": self.store.clock.now()}
        for photo_id in photos:
            self.world.uploads[photo_id]["used"] = True
        return topic_id

    def _media(self, media: list[Any], token: Token) -> tuple[str, list[str]]:
        texts: list[str] = []
        photos: list[str] = []
        by_token = {u["token"]: i for i, u in self.world.uploads.items() if u["token"]}
        for block in media:
            kind = block.get("type") if isinstance(block, dict) else None
            if kind == "text":
                texts.append(str(block.get("text", "")))
            elif kind == "photo":
                for item in block.get("list") or []:
                    photo_id = by_token.get(str((item or {}).get("id")))
                    upload = self.world.uploads.get(photo_id or "")
                    if photo_id is None or upload is None or upload["used"] \
                            or upload["uid"] != token.uid:
                        raise OKError(100, "Invalid parameter attachment : photo token")
                    photos.append(photo_id)
            else:
                raise OKError(100, f"Invalid parameter attachment : media type {kind}")
        if len(photos) > limits.MAX_PHOTOS:
            raise OKError(5000, "Too many photos in the topic")
        text = "\n".join(texts)
        if len(text) > limits.REPORTED_MAX_TEXT:
            raise OKError(5001, "Text is too long")
        return text, photos

    def topic_object(self, topic: Mapping[str, Any]) -> dict[str, Any]:
        figures = counts(self.world.seed, topic["id"], self.store.clock.now() - topic["created"])
        media: list[dict[str, Any]] = [{"type": "text", "text": topic["text"]}]
        if topic["photos"]:
            media.append({"type": "photo", "photo_refs": [f"group_photo:{p}"
                                                          for p in topic["photos"]]})
        return {"id": topic["id"], "created_ms": int(topic["created"] * 1000),
                "author_ref": f"group:{topic['gid']}" if topic["gid"] else f"user:{topic['uid']}",
                "media": media,
                "like_summary": {"count": figures["likes"]},
                "reshare_summary": {"count": figures["reshares"]},
                "discussion_summary": {"comments_count": figures["comments"]}}

    def mediatopic_getTopics(self, token: Token,  # noqa: N802
                             params: Mapping[str, str]) -> Any:
        self._group(params["gid"])
        count = _int(params, "count", 20)
        if not 1 <= count <= 100:
            raise OKError(100, f"Invalid parameter count value : {count}")
        topics = sorted((t for t in self.world.topics.values() if t["gid"] == params["gid"]),
                        key=lambda t: t["created"], reverse=True)
        shown = topics[:count]
        return {"media_topics": [self.topic_object(t) for t in shown],
                "has_more": len(topics) > count,
                "anchor": shown[-1]["id"] if shown else ""}

    def mediatopic_getByIds(self, token: Token,  # noqa: N802
                            params: Mapping[str, str]) -> Any:
        ids = [i for i in params["topic_ids"].split(",") if i]
        if len(ids) > limits.TOPICS_PER_GET_BY_IDS:
            raise OKError(100, "Invalid parameter topic_ids : too many ids")
        return {"media_topics": [self.topic_object(self.world.topics[i])
                                 for i in ids if i in self.world.topics]}
