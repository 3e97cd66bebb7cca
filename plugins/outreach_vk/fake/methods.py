"""The VK methods the fake serves, answering in the shapes of VK API 5.199's schema."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any, overload

from outreach_vk import limits
from outreach_vk.fake.state import ADMIN_ID, USERS, Store, Token, counts

#: Method -> (token kinds it accepts, required parameters), as in the schema's methods.json.
METHODS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "wall.post": (("user",), ()),
    "wall.getById": (("user", "service"), ("posts",)),
    "wall.get": (("user", "service"), ()),
    "photos.getWallUploadServer": (("user",), ()),
    "photos.saveWallPhoto": (("user",), ("photo",)),
    "groups.getById": (("user", "group", "service"), ()),
    "groups.getTokenPermissions": (("group",), ()),
    "users.get": (("user", "group", "service"), ()),
    "account.getAppPermissions": (("user",), ()),
}

ERROR_TEXT = {
    1: "Unknown error occurred",
    3: "Unknown method passed",
    5: "User authorization failed: invalid access_token (4).",
    6: "Too many requests per second",
    8: "Invalid request",
    9: "Flood control",
    10: "Internal server error",
    12: "Unable to compile code",
    13: "Runtime error occurred during code invocation",
    14: "Captcha needed",
    15: "Access denied",
    27: "Group authorization failed: method is unavailable with group auth.",
    28: "Application authorization failed: method is unavailable with service token.",
    29: "Rate limit reached",
    100: "One of the parameters specified was missing or invalid",
    214: "Access to adding post denied",
    901: "Can't send messages for users without permission",
    909: "Can't edit this message, because it's too old",
    911: "Keyboard format is invalid",
    912: "This is a chat bot feature, change this status in settings",
    914: "Message is too long",
    920: "Can't edit this kind of message",
}


class VKError(Exception):
    """An error VK answers with ``{"error": {...}}``."""

    def __init__(self, code: int, detail: str = "", **extra: Any) -> None:
        text = ERROR_TEXT.get(code, "Unknown error occurred")
        super().__init__(f"{text}: {detail}" if detail else text)
        self.code = code
        self.extra = extra


#: The sign-up bot's methods (served by fake.bot), checked the same way.
BOT_METHODS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "groups.getLongPollServer": (("user", "group"), ("group_id",)),
    # random_id is required since API 5.90 though the schema does not mark it: bot.py checks.
    "messages.send": (("user", "group"), ()),
    # The coordinators' cards: schema messages/methods.json and photos/methods.json.
    "messages.edit": (("user", "group"), ("peer_id",)),
    "messages.sendMessageEventAnswer": (("group",), ("event_id", "user_id", "peer_id")),
    "photos.getMessagesUploadServer": (("user", "group"), ()),
    "photos.saveMessagesPhoto": (("user", "group"), ("photo",)),
}


def check_call(method: str, token: Token, params: Mapping[str, str],
               table: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = METHODS) -> None:
    """The token kind the method accepts, then its required parameters."""
    if method not in table:
        raise VKError(3)
    kinds, required = table[method]
    if token.kind not in kinds:
        if token.kind == "group":
            raise VKError(27)
        if token.kind == "service":
            raise VKError(28)
        raise VKError(15, "method is available only with group auth")
    for name in required:
        if not params.get(name):
            raise VKError(100, f"{name} is undefined")


def check_version(version: str | None) -> None:
    """VK's answers to a request without ``v`` or with a version it no longer serves."""
    if not version:
        raise VKError(8, "v (version) is required")
    try:
        asked = tuple(int(part) for part in version.split("."))
    except ValueError:
        asked = (0,)
    if asked < limits.OLDEST_API_VERSION:
        oldest = ".".join(str(part) for part in limits.OLDEST_API_VERSION)
        raise VKError(8, f'versions below {oldest} are deprecated. Version param should be '
                         f'passed as "v". "version" param is invalid and not supported. For '
                         f'more information go to https://vk.com/dev/constant_version_updates')


@overload
def _int(params: Mapping[str, str], name: str, default: int) -> int: ...


@overload
def _int(params: Mapping[str, str], name: str, default: None = None) -> int | None: ...


def _int(params: Mapping[str, str], name: str, default: int | None = None) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise VKError(100, f"{name} not integer") from None


class Methods:
    """Method implementations over a Store; ``base_url`` is for upload addresses."""

    def __init__(self, store: Store, base_url: Callable[[], str]) -> None:
        self.store = store
        self.base_url = base_url
        self.faults: dict[str, Any] = {}
        #: Called with (post id, text) after each new wall post (the sandbox's crowd).
        self.on_post: Callable[[int, str], None] | None = None

    def take(self, fault: str) -> bool:
        """Whether ``fault`` fires now (True: always; a number: that many more times)."""
        value = self.faults.get(fault)
        if value is True:
            return True
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            self.faults[fault] = value - 1
            return True
        return False

    def call(self, method: str, token: Token, params: Mapping[str, str]) -> Any:
        check_call(method, token, params)
        handler = getattr(self, method.replace(".", "_"))
        with self.store.lock:
            most = limits.METHOD_CALLS_PER_DAY.get(method)
            if most is not None and self.world.count_today(
                    f"{method}:{token.name}", self.store.clock.day()) >= most:
                raise VKError(29)  # a method's calls a day (limits.METHOD_CALLS_PER_DAY)
            return handler(token, params)

    @property
    def world(self) -> Any:
        return self.store.world

    # --- wall ---

    def wall_post(self, token: Token, params: Mapping[str, str]) -> Any:
        world, now = self.world, self.store.clock.now()
        owner = _int(params, "owner_id", token.owner)
        if not token.scopes & limits.SCOPE_BITS["wall"]:
            raise VKError(15, "no access to call this method")
        if owner < 0 and (owner != -world.group_id or token.owner != ADMIN_ID):
            raise VKError(214)  # VK's words for it are not documented: its bare error text
        message = params.get("message", "")
        attachments = [a for a in params.get("attachments", "").split(",") if a]
        if not message and not attachments:
            raise VKError(100, "message is empty or invalid")
        if len(message) > limits.REPORTED_MAX_TEXT:
            raise VKError(100, "message is too long")
        if len(attachments) > limits.MAX_ATTACHMENTS:
            raise VKError(100, "too many attachments")
        for attachment in attachments:
            if not attachment.startswith("photo") or attachment[5:] not in world.photos:
                raise VKError(100, f"attachments is invalid: {attachment}")
        guid_key = f"{owner}:{params['guid']}" if params.get("guid") else None
        content = [message, attachments]
        if guid_key and guid_key in world.guids:
            first, at, sent = (world.guids[guid_key] + [None])[:3]
            if now - at < limits.GUID_TTL and sent == content:
                # wall.post: guid "prevents sending the same post again; valid for one
                # hour". What VK answers the repeat is not documented: the fake answers
                # the most cautious way, an error naming no post, so nothing may rely on it.
                raise VKError(1)
        if self.take("captcha"):
            raise VKError(14, captcha_sid="7265400912",
                          captcha_img=self.base_url() + "/captcha.php?sid=7265400912&s=1")
        if self.take("flood"):
            raise VKError(9, "too many posts in a short time")
        if self.take("posting_denied"):
            raise VKError(214)
        if owner < 0 and world.count_today(f"wall.post:{owner}", self.store.clock.day()) \
                >= limits.WALL_POSTS_PER_DAY:
            raise VKError(214, f"you can only add {limits.WALL_POSTS_PER_DAY} posts a day")
        post_id = world.new_id()
        world.posts[f"{owner}_{post_id}"] = {
            "id": post_id, "owner_id": owner, "date": int(now), "text": message,
            "from_id": owner if params.get("from_group") in ("1", "true") else token.owner,
            "attachments": attachments, "signed": params.get("signed") in ("1", "true"),
            "close_comments": params.get("close_comments") in ("1", "true"),
            "guid": params.get("guid")}
        if guid_key:
            world.guids[guid_key] = [post_id, now, content]
        self.store.save()
        if self.on_post is not None:
            self.on_post(post_id, message)
        return {"post_id": post_id}

    def post_object(self, post: Mapping[str, Any]) -> dict[str, Any]:
        """A stored post as VK shows it (wall_wallpost_full), with counts for its age."""
        age = self.store.clock.now() - post["date"]
        grown = counts(self.world.seed, post["id"], post["owner_id"], age)
        item: dict[str, Any] = {
            "inner_type": "wall_wallpost", "id": post["id"], "owner_id": post["owner_id"],
            "from_id": post["from_id"], "date": post["date"], "text": post["text"],
            "post_type": "post", "is_favorite": False,
            "attachments": [{"type": "photo", "photo": self.world.photos[a[5:]]}
                            for a in post["attachments"] if a[5:] in self.world.photos],
            "comments": {"count": grown["comments"], "can_post": 0 if post["close_comments"]
                         else 1},
            "likes": {"can_like": 1, "count": grown["likes"], "user_likes": 0,
                      "can_publish": 1},
            "reposts": {"count": grown["reposts"], "user_reposted": 0},
            "views": {"count": grown["views"]},
            "post_source": {"type": "api"},
        }
        if post["signed"]:
            item["signer_id"] = ADMIN_ID
        return item

    def wall_getById(self, token: Token, params: Mapping[str, str]) -> Any:
        wanted = [p for p in params["posts"].split(",") if p]
        if len(wanted) > limits.POSTS_PER_GET_BY_ID:
            raise VKError(100, f"posts: at most {limits.POSTS_PER_GET_BY_ID} posts")
        posts = self.world.posts
        return {"items": [self.post_object(posts[p]) for p in wanted if p in posts]}

    def wall_get(self, token: Token, params: Mapping[str, str]) -> Any:
        owner = _int(params, "owner_id", token.owner)
        offset, count = _int(params, "offset", 0), _int(params, "count", 20)
        if count < 0 or count > 100:
            raise VKError(100, "count should be from 0 to 100")
        mine = sorted((p for p in self.world.posts.values() if p["owner_id"] == owner),
                      key=lambda p: p["id"], reverse=True)
        return {"count": len(mine),
                "items": [self.post_object(p) for p in mine[offset:offset + count]]}

    # --- photos ---

    def photos_getWallUploadServer(self, token: Token, params: Mapping[str, str]) -> Any:
        group = _int(params, "group_id")
        if group is not None and group != self.world.group_id:
            raise VKError(100, "group_id is invalid")
        return {"album_id": -14, "user_id": token.owner,
                "upload_url": f"{self.base_url()}/upload/wall?uid={token.owner}"
                              f"&gid={group or 0}"}

    def photos_saveWallPhoto(self, token: Token, params: Mapping[str, str]) -> Any:
        try:
            [entry] = json.loads(params["photo"])
            upload = self.world.uploads.pop(entry["photo"])
        except (ValueError, KeyError, TypeError):
            raise VKError(100, "photos_list is invalid") from None
        if params.get("hash") != upload["hash"]:
            raise VKError(100, "hash is invalid")
        group = _int(params, "group_id")
        owner = -group if group else token.owner
        photo_id = self.world.new_id()
        photo = {"id": photo_id, "album_id": -14, "owner_id": owner, "user_id": 100,
                 "date": int(self.store.clock.now()), "has_tags": False,
                 "text": params.get("caption", ""), "width": upload["width"],
                 "height": upload["height"], "access_key": upload["hash"][:18],
                 "sizes": [{"type": "w", "width": upload["width"],
                            "height": upload["height"],
                            "url": f"{self.base_url()}/photos/{upload['key']}"}]}
        self.world.photos[f"{owner}_{photo_id}"] = photo
        self.store.save()
        return [photo]

    # --- groups, users, rights ---

    def groups_getById(self, token: Token, params: Mapping[str, str]) -> Any:
        asked = params.get("group_ids") or params.get("group_id")
        if not asked:
            if token.kind != "group":
                raise VKError(100, "group_ids is undefined")
            asked = str(token.owner)
        fields = set(params.get("fields", "").split(","))
        groups = []
        for one in asked.split(","):
            one = re.sub(r"^(club|public)", "", one.strip())
            if one not in (str(self.world.group_id), f"club{self.world.group_id}"):
                raise VKError(100, "group_ids is invalid")
            groups.append(self.group_object(token, fields))
        return {"groups": groups, "profiles": []}

    def members(self) -> int:
        """Members grow with the reach of the posts."""
        now, world = self.store.clock.now(), self.world
        reach = sum(counts(world.seed, p["id"], p["owner_id"], now - p["date"])["views"]
                    for p in world.posts.values())
        members: int = world.members + reach // 100
        return members

    def group_object(self, token: Token, fields: set[str]) -> dict[str, Any]:
        gid = self.world.group_id
        group: dict[str, Any] = {"id": gid, "name": self.world.group_name,
                                 "screen_name": f"club{gid}", "is_closed": 0,
                                 "type": "group", "photo_50": f"{self.base_url()}/g50.png"}
        if "members_count" in fields:
            group["members_count"] = self.members()
        if token.kind == "user":
            admin = token.owner == ADMIN_ID
            group["is_admin"] = 1 if admin else 0
            if admin:
                group["admin_level"] = 3
        return group

    def groups_getTokenPermissions(self, token: Token, params: Mapping[str, str]) -> Any:
        granted = [{"name": name, "setting": bit}
                   for name, bit in limits.COMMUNITY_SCOPE_BITS.items() if token.scopes & bit]
        return {"mask": token.scopes, "permissions": granted}

    def users_get(self, token: Token, params: Mapping[str, str]) -> Any:
        ids = [i for i in params.get("user_ids", "").split(",") if i]
        if not ids and token.kind == "user":
            ids = [str(token.owner)]
        found = []
        for one in ids:
            if not one.isdigit() or int(one) not in USERS:
                continue
            first, last = USERS[int(one)]
            found.append({"id": int(one), "first_name": first, "last_name": last,
                          "can_access_closed": True, "is_closed": False})
        return found

    def account_getAppPermissions(self, token: Token, params: Mapping[str, str]) -> Any:
        return token.scopes
