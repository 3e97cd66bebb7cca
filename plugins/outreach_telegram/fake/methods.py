"""The Bot API methods the fake serves, checked as Telegram checks them.

Each function takes the fake's state, the request's parameters and its
uploaded files, and returns the method's result or raises ``ApiError``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from outreach_telegram.fake import webhooks
from outreach_telegram.fake.entities import EntityError, parse, utf16_len
from outreach_telegram.fake.files import get_file
from outreach_telegram.fake.state import BOT_ID, BOT_USERNAME, ApiError, FakeChat, FakeState

MAX_TEXT, MAX_CAPTION = 4096, 1024
MAX_PHOTO_BYTES, MAX_PHOTO_SUM, MAX_PHOTO_RATIO = 10 * 1024 * 1024, 10_000, 20
ALL_UPDATES_BUT = {"chat_member", "message_reaction", "message_reaction_count"}

Files = dict[str, bytes]


def bot_user() -> dict[str, Any]:
    return {"id": BOT_ID, "is_bot": True, "first_name": "Outreach sandbox",
            "username": BOT_USERNAME, "can_join_groups": False,
            "can_read_all_group_messages": False, "supports_inline_queries": False}


def get_me(state: FakeState, params: dict[str, Any], files: Files) -> Any:
    return bot_user()


def _writable(state: FakeState, params: dict[str, Any]) -> FakeChat:
    chat = state.find_chat(_required(params, "chat_id"))
    if chat.type == "private" and chat.bot_status == "kicked":
        raise ApiError(403, "Forbidden: bot was blocked by the user")
    if chat.bot_status in ("left", "kicked"):
        raise ApiError(403, "Forbidden: bot is not a member of the channel chat")
    if chat.bot_status != "administrator" and chat.type == "channel":
        raise ApiError(400, "Bad Request: need administrator rights in the channel chat")
    return chat


def _required(params: dict[str, Any], name: str) -> Any:
    value = params.get(name)
    if value in (None, ""):
        raise ApiError(400, f"Bad Request: {name} is empty")
    return value


def _formatted(text: str, mode: str | None, limit: int,
               too_long: str) -> tuple[str, list[dict[str, Any]]]:
    try:
        parsed = parse(text, mode)
    except EntityError as exc:
        raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
    if utf16_len(parsed.text) > limit:
        raise ApiError(400, f"Bad Request: {too_long}")
    return parsed.text, parsed.entities


def _photo_sizes(data: bytes, key: str) -> list[dict[str, Any]]:
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_PHOTO_BYTES:
        raise ApiError(400, "Bad Request: file is too big")
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError):
        raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED") from None
    if width + height > MAX_PHOTO_SUM or max(width, height) > MAX_PHOTO_RATIO * min(width,
                                                                                      height):
        raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
    unique = f"{key}-{len(data)}"
    scale = min(1.0, 320 / max(width, height))
    return [{"file_id": f"AgAD{unique}-s", "file_unique_id": f"{unique}s",
             "width": max(1, int(width * scale)), "height": max(1, int(height * scale))},
            {"file_id": f"AgAD{unique}", "file_unique_id": unique, "width": width,
             "height": height, "file_size": len(data)}]


def _upload(params: dict[str, Any], files: Files, value: Any) -> bytes:
    if isinstance(value, str) and value.startswith("attach://"):
        name = value[len("attach://"):]
        if name not in files:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        return files[name]
    if isinstance(value, bytes):
        return value
    raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")


def _store(state: FakeState, chat: FakeChat, params: dict[str, Any],
           content: dict[str, Any]) -> dict[str, Any]:
    sender = ({"sender_chat": chat.short()} if chat.type == "channel"
              else {"from": bot_user()})
    message = {"message_id": chat.next_message_id, "date": int(state.now()),
               "chat": chat.short(), **sender, **content}
    chat.next_message_id += 1
    reply = params.get("reply_parameters") or {}
    reply_id = reply.get("message_id") if isinstance(reply, dict) else None
    reply_id = reply_id or params.get("reply_to_message_id")
    if reply_id:
        original = next((m for m in chat.messages if m["message_id"] == int(reply_id)), None)
        if original is None:
            raise ApiError(400, "Bad Request: message to be replied not found")
        message["reply_to_message"] = {k: v for k, v in original.items()
                                       if k != "reply_to_message"}
    if params.get("disable_notification") in (True, "true"):
        message["_silent"] = True  # kept for the inspection endpoint only
    chat.messages.append(message)
    hooks = state.on_channel_post if chat.type == "channel" else (
        state.on_bot_message if chat.type == "private" else [])
    for hook in hooks:
        hook(chat, message)
    return message


def _public(message: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in message.items() if not k.startswith("_")}


def send_message(state: FakeState, params: dict[str, Any], files: Files) -> Any:
    chat = _writable(state, params)
    text = params.get("text") or ""
    if not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    plain, entities = _formatted(text, params.get("parse_mode"), MAX_TEXT,
                                 "message is too long")
    markup = _reply_markup(chat, params.get("reply_markup"))
    state.take(chat, 1)
    content: dict[str, Any] = {"text": plain}
    if entities:
        content["entities"] = entities
    if markup is not None and "inline_keyboard" in markup:
        content["reply_markup"] = markup  # Message.reply_markup: inline keyboards only
    elif markup is not None:
        content["_keyboard"] = markup  # a reply keyboard: what the person's screen shows
        chat.keyboard = None if markup.get("remove_keyboard") else markup
    return _public(_store(state, chat, params, content))


_BUTTON_ACTIONS = ("url", "callback_data", "web_app", "login_url", "switch_inline_query",
                   "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
                   "copy_text", "callback_game", "pay")


def _reply_markup(chat: FakeChat, markup: Any) -> dict[str, Any] | None:
    """The reply_markup as Telegram reads it, or its error (Bot API: sendMessage)."""
    if markup in (None, ""):
        return None
    if isinstance(markup, str):
        try:
            markup = json.loads(markup)
        except ValueError:
            markup = None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        for button in _buttons(rows, "inline keyboard"):
            actions = [a for a in _BUTTON_ACTIONS if a in button]
            if len(actions) != 1:
                raise ApiError(400, "Bad Request: text buttons are unallowed in the inline "
                                    "keyboard")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return {"inline_keyboard": rows}
    if "keyboard" in markup:
        buttons = _buttons(markup["keyboard"], "keyboard")
        if chat.type != "private" and any(b.get("request_contact") for b in buttons):
            raise ApiError(400, "Bad Request: phone number can be requested in private "
                                "chats only")
        return markup
    if markup.get("remove_keyboard") is True:
        return markup
    raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")


def _buttons(rows: Any, what: str) -> list[dict[str, Any]]:
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise ApiError(400, f"Bad Request: field \"{what}\" must be an Array of Arrays")
    buttons = [b if isinstance(b, dict) else {"text": b} for row in rows for b in row]
    if not buttons or any(not str(b.get("text") or "").strip() for b in buttons):
        raise ApiError(400, "Bad Request: button text must be non-empty")
    return buttons


def send_photo(state: FakeState, params: dict[str, Any], files: Files) -> Any:
    chat = _writable(state, params)
    data = files["photo"] if "photo" in files else _upload(params, files,
                                                               params.get("photo"))
    content: dict[str, Any] = {"photo": _photo_sizes(data, f"{chat.id}-{chat.next_message_id}")}
    _caption(content, params)
    # Bot API sendPhoto: reply_markup, e.g. an inline keyboard under the photo.
    markup = _reply_markup(chat, params.get("reply_markup"))
    if markup is not None and "inline_keyboard" in markup:
        content["reply_markup"] = markup
    state.take(chat, 1)
    return _public(_store(state, chat, params, content))


def _caption(content: dict[str, Any], params: dict[str, Any]) -> None:
    caption = params.get("caption")
    if caption:
        plain, entities = _formatted(caption, params.get("parse_mode"), MAX_CAPTION,
                                     "message caption is too long")
        content["caption"] = plain
        if entities:
            content["caption_entities"] = entities


def send_media_group(state: FakeState, params: dict[str, Any], files: Files) -> Any:
    chat = _writable(state, params)
    media = params.get("media")
    if isinstance(media, str):
        media = json.loads(media)
    if not isinstance(media, list) or not 2 <= len(media) <= 10:
        raise ApiError(400, "Bad Request: wrong number of media in the album: "
                            "must include 2-10 items")
    contents = []
    group = f"{chat.id}{chat.next_message_id}"
    for index, item in enumerate(media):
        if item.get("type") != "photo":
            raise ApiError(400, "Bad Request: unsupported media type in the album")
        data = _upload(params, files, item.get("media"))
        content: dict[str, Any] = {
            "media_group_id": group,
            "photo": _photo_sizes(data, f"{chat.id}-{chat.next_message_id + index}")}
        _caption(content, item)
        contents.append(content)
    state.take(chat, len(contents))  # an album counts as its number of messages
    return [_public(_store(state, chat, params, c)) for c in contents]


def get_chat(state: FakeState, params: dict[str, Any], files: Files) -> Any:
    chat = state.find_chat(_required(params, "chat_id"))
    return {**chat.short(), "accent_color_id": 0, "max_reaction_count": 11,
            "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                    "unique_gifts": False, "premium_subscription": False,
                                    "gifts_from_channels": False}}


def get_chat_member(state: FakeState, params: dict[str, Any], files: Files) -> Any:
    chat = state.find_chat(_required(params, "chat_id"))
    user_id = int(_required(params, "user_id"))
    if user_id != BOT_ID:
        user = state.users.get(user_id)
        if user is None:
            raise ApiError(400, "Bad Request: user not found")
        return {"status": "member", "user": user}
    status = chat.bot_status
    if status == "administrator":
        rights = dict.fromkeys(
            ("can_be_edited", "is_anonymous", "can_restrict_members", "can_promote_members",
             "can_manage_video_chats", "can_post_stories", "can_edit_stories",
             "can_delete_stories"), False)
        rights.update(dict.fromkeys(("can_manage_chat", "can_delete_messages",
                                     "can_change_info", "can_invite_users",
                                     "can_post_messages", "can_edit_messages"), True))
        return {"status": "administrator", "user": bot_user(), **rights}
    if status == "kicked":
        return {"status": "kicked", "user": bot_user(), "until_date": 0}
    return {"status": status, "user": bot_user()}


def get_chat_member_count(state: FakeState, params: dict[str, Any], files: Files) -> Any:
    chat = state.find_chat(_required(params, "chat_id"))
    if chat.bot_status in ("left", "kicked") and not chat.username:
        raise ApiError(400, "Bad Request: chat not found")
    return state.member_count(chat)


def create_chat_invite_link(state: FakeState, params: dict[str, Any], files: Files) -> Any:
    chat = _writable(state, params)
    state.invite_links += 1
    link = {"invite_link": f"https://t.me/+sandbox{chat.id % 10000}x{state.invite_links}",
            "creator": bot_user(), "creates_join_request": bool(params.get("creates_join_request")),
            "is_primary": False, "is_revoked": False}
    if params.get("name"):
        if len(params["name"]) > 32:
            raise ApiError(400, "Bad Request: invite link name is too long")
        link["name"] = params["name"]
    return link


def answer_callback_query(state: FakeState, params: dict[str, Any], files: Files) -> Any:
    query_id = str(_required(params, "callback_query_id"))
    # A query can be answered once; an id Telegram never issued is refused the same way.
    if state.queries.get(query_id, True):
        raise ApiError(400, "Bad Request: query is too old and response timeout expired "
                            "or query ID is invalid")
    state.queries[query_id] = True
    # The notification shown to the one who pressed: 0-200 characters (answerCallbackQuery).
    text = str(params.get("text") or "")
    if len(text) > 200:
        raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
    state.query_answers[query_id] = text
    return True


def _edited(state: FakeState, params: dict[str, Any]) -> tuple[FakeChat, dict[str, Any]]:
    """The bot's message that ``chat_id`` and ``message_id`` name (Bot API editMessage*)."""
    chat = state.find_chat(_required(params, "chat_id"))
    message_id = int(_required(params, "message_id"))
    message = next((m for m in chat.messages if m["message_id"] == message_id), None)
    if message is None:
        raise ApiError(400, "Bad Request: message to edit not found")
    if message.get("from", {}).get("id") != BOT_ID and "sender_chat" not in message:
        raise ApiError(400, "Bad Request: message can't be edited")
    return chat, message


def edit_message_reply_markup(state: FakeState, params: dict[str, Any], files: Files) -> Any:
    """Bot API editMessageReplyMarkup: "edit only the reply markup"; an absent markup
    removes the inline keyboard. The edited Message is returned."""
    chat, message = _edited(state, params)
    markup = _reply_markup(chat, params.get("reply_markup"))
    if markup is not None and "inline_keyboard" not in markup:
        raise ApiError(400, "Bad Request: inline keyboard expected")
    if markup == message.get("reply_markup"):
        # Telegram refuses an edit that changes nothing (observed; not in the docs).
        raise ApiError(400, "Bad Request: message is not modified: specified new message "
                            "content and reply markup are exactly the same as a current "
                            "content and reply markup of the message")
    if markup is None:
        message.pop("reply_markup", None)
    else:
        message["reply_markup"] = markup
    message["edit_date"] = int(state.now())
    return _public(message)


def edit_message_text(state: FakeState, params: dict[str, Any], files: Files) -> Any:
    """Bot API editMessageText: new text (1-4096 characters after parsing) of a text
    message, and its inline keyboard (kept out when not given)."""
    chat, message = _edited(state, params)
    if "text" not in message:
        raise ApiError(400, "Bad Request: there is no text in the message to edit")
    text = str(params.get("text") or "")
    if not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    plain, entities = _formatted(text, params.get("parse_mode"), MAX_TEXT,
                                 "message is too long")
    markup = _reply_markup(chat, params.get("reply_markup"))
    message["text"] = plain
    message.pop("entities", None)
    if entities:
        message["entities"] = entities
    message.pop("reply_markup", None)
    if markup is not None and "inline_keyboard" in markup:
        message["reply_markup"] = markup
    message["edit_date"] = int(state.now())
    return _public(message)


def take_updates(state: FakeState, params: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Confirm updates before ``offset`` and return what is pending (None: nothing yet)."""
    if "allowed_updates" in params and params["allowed_updates"] is not None:
        allowed = params["allowed_updates"]
        state.allowed_updates = json.loads(allowed) if isinstance(allowed, str) else allowed
    webhooks.refuse_while_webhook(state)
    state.refresh_reactions()  # reactions that came by now, before the queue's rules apply
    webhooks.expire(state)
    webhooks.confirm(state, int(params.get("offset") or 0))
    limit = min(100, int(params.get("limit") or 100))
    wanted = [u for u in state.updates if _allowed(state.allowed_updates, u)]
    return wanted[:limit] or None


def _allowed(allowed: list[str], update: dict[str, Any]) -> bool:
    kind = next(k for k in update if k != "update_id")
    return kind in allowed if allowed else kind not in ALL_UPDATES_BUT


METHODS: dict[str, Callable[[FakeState, dict[str, Any], Files], Any]] = {
    "getMe": get_me,
    "sendMessage": send_message,
    "sendPhoto": send_photo,
    "sendMediaGroup": send_media_group,
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "getChatMemberCount": get_chat_member_count,
    "createChatInviteLink": create_chat_invite_link,
    "answerCallbackQuery": answer_callback_query,
    "getFile": get_file,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "editMessageText": edit_message_text,
    "setWebhook": webhooks.set_webhook,
    "deleteWebhook": webhooks.delete_webhook,
    "getWebhookInfo": webhooks.get_webhook_info,
}
