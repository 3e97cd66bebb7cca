"""The fake MAX's REST answers for every path the plugin uses, as the schema shapes them.

Each answer names the schema's operation; what the schema leaves open and the
fake assumes is marked ASSUMPTION here and listed in docs/max.md.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from outreach_max import limits
from outreach_max.fake.server import MaxError
from outreach_max.fake.state import BOT_ID, CHANNEL_ID, COORDINATORS_CHAT_ID

if TYPE_CHECKING:
    from outreach_max.fake.state import Clock, Store

#: The admin rights the bot holds in the channel per World.rights (schema, ChatMember).
ADMIN_RIGHTS = ["read_all_messages", "write", "edit", "delete", "view_stats"]


def not_found(what: str) -> MaxError:
    # ASSUMPTION: the schema names the 404 ("resource is not found") but not its code.
    return MaxError(404, "not.found", f"{what} not found")


def bad(message: str, code: str = "proto.payload") -> MaxError:
    # ASSUMPTION: the code of a malformed request; the status is the schema's 400.
    return MaxError(400, code, message)


class Api:
    """The answers; ``deliver`` gets each message the bot sends to a person."""

    def __init__(self, store: Store, clock: Clock, base_url: Callable[[], str]) -> None:
        self.store = store
        self.clock = clock
        self.base_url = base_url
        self.ready_after = 0.1  # fake seconds until an upload may be attached
        self.on_post: Callable[[str, str], object] | None = None
        self.deliver: Callable[[int, dict[str, Any]], object] = lambda user, body: None
        #: Whether the fake knows a person (one who started the bot) by user id.
        self.knows: Callable[[int], bool] = lambda user: False
        self.callbacks: set[str] = set()  # messages with an inline keyboard, by mid
        #: callback_id -> the mid of the message whose button was pressed, and the answers
        #: POST /answers gave, by callback_id (a test reads what the presser saw).
        self.pressed: dict[str, str | None] = {}
        self.answers: dict[str, dict[str, Any]] = {}

    # --- objects ---

    def bot_user(self) -> dict[str, Any]:
        world = self.store.world
        return {"user_id": BOT_ID, "first_name": world.bot_title, "username": world.bot_name,
                "is_bot": True, "last_activity_time": self.clock.ms()}

    def chat(self, chat_id: int) -> dict[str, Any]:
        """GET /chats/{chatId} (schema, Chat)."""
        world = self.store.world
        if chat_id == CHANNEL_ID:
            removed = world.rights == "removed"
            return {"chat_id": CHANNEL_ID, "type": "channel",
                    "status": "removed" if removed else "active",
                    "title": world.channel_title, "last_event_time": self.clock.ms(),
                    "participants_count": world.members, "is_public": True,
                    "link": f"https://max.ru/{world.bot_name}_channel",
                    "messages_count": sum(1 for m in world.messages.values()
                                          if m["recipient"]["chat_id"] == CHANNEL_ID)}
        if chat_id == COORDINATORS_CHAT_ID:
            return {"chat_id": chat_id, "type": "chat", "status": "active",
                    "title": "Координаторы (песочница)", "last_event_time": self.clock.ms(),
                    "participants_count": 4, "is_public": False}
        raise not_found(f"Chat {chat_id}")

    def membership(self, chat_id: int) -> dict[str, Any]:
        """GET /chats/{chatId}/members/me (schema, ChatMember)."""
        rights = self.store.world.rights
        chat = self.chat(chat_id)
        if chat["status"] != "active":
            raise MaxError(403, "chat.denied", f"Bot is not a member of chat {chat_id}")
        admin = chat_id == COORDINATORS_CHAT_ID or rights in ("admin", "no_write")
        permissions = None
        if admin:
            permissions = [p for p in ADMIN_RIGHTS if rights != "no_write" or p != "write"]
        return {**self.bot_user(), "last_access_time": self.clock.ms(), "is_owner": False,
                "is_admin": admin, "join_time": self.clock.ms() - 86_400_000,
                "permissions": permissions}

    def message_view(self, message: dict[str, Any], with_stat: bool) -> dict[str, Any]:
        shown = {k: v for k, v in message.items() if not k.startswith("_")}
        if with_stat and message["recipient"]["chat_type"] == "channel":
            # stat: "available only for channels in getMessages method context" (Message).
            shown["stat"] = {"views": self.store.world.views(message, self.clock.now())}
        return shown

    # --- operations ---

    def upload_url(self, query: dict[str, str]) -> dict[str, Any]:
        """POST /uploads (getUploadUrl): a URL for one file (UploadEndpoint)."""
        kind = query.get("type")
        if kind == "photo":
            raise bad("type=photo is no longer supported, use type=image")
        if kind not in ("image", "video", "audio", "file"):
            raise bad("type must be one of image, video, audio, file")
        if kind != "image":
            raise bad("this sandbox takes images only")
        key = secrets.token_hex(8)
        with self.store.lock:
            self.store.world.uploads[f"pending:{key}"] = {"at": self.clock.now()}
        return {"url": f"{self.base_url()}/_upload/{key}"}

    def upload(self, key: str, data: bytes) -> dict[str, Any]:
        """The upload host's answer to an image: ``{"photos": {id: {"token"}}}``, the payload
        of an ``image`` attachment (PhotoAttachmentRequestPayload.photos)."""
        found = probe(data)
        with self.store.lock:
            world = self.store.world
            if world.uploads.pop(f"pending:{key}", None) is None:
                raise bad("unknown or used upload URL")  # "one file per URL" (docs)
            photo_id = world.new_id()
            token = secrets.token_urlsafe(24)
            world.uploads[token] = {**found, "photo_id": photo_id,
                                    "ready_at": self.clock.now() + self.ready_after}
        return {"photos": {str(photo_id): {"token": token}}}

    def send(self, query: dict[str, str], body: Any) -> dict[str, Any]:
        """POST /messages (sendMessage): SendMessageResult."""
        if not isinstance(body, dict):
            raise bad("a NewMessageBody is required")
        text = body.get("text")
        if text is not None and (not isinstance(text, str) or len(text) > limits.MAX_TEXT):
            raise bad(f"text: size must be between 0 and {limits.MAX_TEXT}")
        attachments = self._attachments(body.get("attachments") or [])
        if not text and not attachments:
            raise bad("message must have text or attachments")
        if body.get("format") not in (None, "markdown", "html"):
            raise bad("format must be markdown or html")
        world = self.store.world
        with self.store.lock:
            if query.get("chat_id"):
                chat_id = _int(query["chat_id"], "chat_id")
                chat = self.chat(chat_id)
                member = self.membership(chat_id)
                if not member["is_admin"] or "write" not in (member["permissions"] or []):
                    # schema, POST /messages 403: "bot doesn't have access to chat or channel"
                    raise MaxError(403, "chat.denied",
                                   f"Bot has no right to write to chat {chat_id}")
                recipient = {"chat_id": chat_id, "chat_type": chat["type"]}
                sender = None if chat["type"] == "channel" else self.bot_user()
            elif query.get("user_id"):
                user_id = _int(query["user_id"], "user_id")
                if not self.knows(user_id):
                    raise not_found(f"User {user_id}")
                recipient = {"chat_id": user_id + 10**12, "chat_type": "dialog",
                             "user_id": user_id}
                sender = self.bot_user()
            else:
                raise bad("chat_id or user_id is required")
            seq = world.new_id()
            mid = f"mid.{seq:016x}"
            message: dict[str, Any] = {
                "recipient": recipient, "timestamp": self.clock.ms(),
                "body": {"mid": mid, "seq": seq, "text": text, "attachments": attachments}}
            if sender is not None:
                message["sender"] = sender
            if recipient["chat_type"] == "channel":
                message["url"] = f"https://max.ru/c/{-recipient['chat_id']}/{mid}"
            if recipient["chat_type"] != "dialog":
                world.messages[mid] = message
            for attachment in attachments:
                if attachment["type"] == "inline_keyboard":
                    self.callbacks.add(mid)
        if recipient["chat_type"] == "dialog":
            self.deliver(recipient["user_id"], body)
        elif self.on_post is not None and text:
            self.on_post(mid, text)
        self.store.save()
        return {"message": message}

    def _attachments(self, requested: Any) -> list[dict[str, Any]]:
        if not isinstance(requested, list):
            raise bad("attachments must be a list")
        made, images = [], 0
        for item in requested:
            kind = item.get("type") if isinstance(item, dict) else None
            payload = item.get("payload") if isinstance(item, dict) else None
            if kind == "image" and isinstance(payload, dict):
                tokens = [p.get("token") for p in (payload.get("photos") or {}).values()] \
                    if payload.get("photos") else [payload.get("token")]
                for token in tokens:
                    made.append(self._photo(token))
                    images += 1
            elif kind == "inline_keyboard" and isinstance(payload, dict) \
                    and payload.get("buttons"):
                made.append({"type": "inline_keyboard", "payload": {"buttons": _buttons(
                    payload["buttons"])}})
            else:
                raise bad(f"attachment of type {kind!r} is not supported here")
        if images > limits.MAX_PHOTOS:
            raise bad(f"at most {limits.MAX_PHOTOS} images in a message")
        return made

    def _photo(self, token: Any) -> dict[str, Any]:
        upload = self.store.world.uploads.get(token) if isinstance(token, str) else None
        if upload is None:
            raise bad("unknown attachment token", "attachment.invalid")
        if self.clock.now() < upload["ready_at"]:
            # "It may take time for the server to process your file ... the last step will
            # fail with 400 error" (schema, POST /messages).
            raise bad("Key: errors.process.attachment.file.not.processed",
                      limits.NOT_READY_CODE)
        return {"type": "image", "payload": {
            "photo_id": upload["photo_id"], "token": token,
            "url": f"https://i.max.ru/sandbox/{upload['sha256'][:16]}.jpg"}}

    def messages(self, query: dict[str, str]) -> dict[str, Any]:
        """GET /messages (getMessages): MessageList, newest first."""
        count = _int(query.get("count") or "50", "count")
        if not 1 <= count <= limits.MESSAGES_PER_GET:
            raise bad("count must be between 1 and 100")
        with self.store.lock:
            found = list(self.store.world.messages.values())
            if query.get("message_ids"):
                wanted = set(query["message_ids"].split(","))
                found = [m for m in found if m["body"]["mid"] in wanted]
            elif query.get("chat_id"):
                chat_id = _int(query["chat_id"], "chat_id")
                self.membership(chat_id)  # 403 when the bot is not in it (schema)
                found = [m for m in found if m["recipient"]["chat_id"] == chat_id]
            else:
                raise bad("chat_id or message_ids is required")
            found.sort(key=lambda m: m["body"]["seq"], reverse=True)
            return {"messages": [self.message_view(m, True) for m in found[:count]]}

    def answer_callback(self, query: dict[str, str], body: Any) -> dict[str, Any]:
        """POST /answers (answerOnCallback): SimpleQueryResult.

        ``message`` changes the message whose button was pressed ("Fill this if you want
        to modify current message", CallbackAnswer): its text when given, its attachments
        when given ("In case ``attachments`` field is ``null``, the current message
        attachments won't be changed. In case of sending an empty list in this field, all
        attachments will be deleted", PUT /messages, read as the same NewMessageBody).
        """
        callback = (query.get("callback_id") or "").strip()
        if not callback:
            raise bad("callback_id is required")
        if not isinstance(body, dict) or not (body.get("message") or body.get("notification")):
            raise bad("message or notification is required")
        edit = body.get("message")
        if edit is not None:
            if not isinstance(edit, dict):
                raise bad("message must be a NewMessageBody")
            self._edit(self.pressed.get(callback), edit)
        self.answers[callback] = body
        return {"success": True}

    def _edit(self, mid: str | None, edit: dict[str, Any]) -> None:
        text = edit.get("text")
        if text is not None and (not isinstance(text, str) or len(text) > limits.MAX_TEXT):
            raise bad(f"text: size must be between 0 and {limits.MAX_TEXT}")
        attachments = edit.get("attachments")
        made = self._attachments(attachments) if attachments is not None else None
        with self.store.lock:
            message = self.store.world.messages.get(mid or "")
            if message is None:
                # ASSUMPTION: a press in a dialog (messages the fake does not keep), or on a
                # message since deleted, has nothing to change; MAX does not say it fails.
                return
            body = message["body"]
            if text is not None:
                body["text"] = text
            if made is not None:
                body["attachments"] = made
                if not any(a["type"] == "inline_keyboard" for a in made):
                    self.callbacks.discard(body["mid"])
            message["_edited"] = int(message.get("_edited") or 0) + 1
        self.store.save()

def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise bad(f"{name} must be a number") from None


def callback_buttons(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The callback buttons of a message's body (NewMessageBody or MessageBody), in order."""
    return [b for a in body.get("attachments") or [] if a.get("type") == "inline_keyboard"
            for row in a["payload"]["buttons"] for b in row if b.get("type") == "callback"]


def _buttons(rows: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """The keyboard as sent, checked against the schema's Button limits."""
    for row in rows:
        for button in row:
            text = button.get("text") or ""
            if not 1 <= len(text) <= limits.BUTTON_TEXT_MAX:
                raise bad("button text must be 1 to 128 characters")
            if button.get("type") == "callback" and \
                    len(button.get("payload") or "") > limits.CALLBACK_PAYLOAD_MAX:
                raise bad("callback payload longer than 1024 characters")
            if button.get("type") not in ("callback", "request_contact", "link", "message"):
                raise bad(f"button type {button.get('type')!r} is not supported here")
    return rows


def probe(data: bytes) -> dict[str, Any]:
    """What MAX checks of an uploaded image (schema, POST /uploads): format, size."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > limits.PHOTO_MAX_BYTES:
        raise bad("file is larger than 50 MB", "file.too.big")
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError):
        raise bad("not an image", "file.invalid") from None
    if kind not in ("JPEG", "PNG", "GIF", "TIFF", "BMP", "HEIF"):
        raise bad(f"{kind} is not an image format MAX takes", "file.invalid")
    if max(width, height) > limits.PHOTO_MAX_SIDE:
        raise bad("image larger than 7680 x 7680 px", "file.invalid")
    return {"width": width, "height": height, "format": kind,
            "sha256": hashlib.sha256(data).hexdigest()}
