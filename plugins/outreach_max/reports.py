"""Photo reports through the MAX bot: attachments in, files to disk, cards with buttons out.

- A ``message_created``'s attachments (schema, Attachment's discriminator)
  become ``IncomingFile``: an ``image`` by its ``payload.url`` ("Image URL",
  PhotoAttachmentPayload; ``photo_id`` is "Unique identifier of this image", so
  the same photo sent twice is one), a ``file`` (FileAttachment: ``filename``,
  ``size``, ``payload.url``) as a document, a ``video`` as a video (its payload
  gives no file: "for video attachments use getVideoAttachmentDetails"), the
  rest (audio, sticker, share, location) as something that is not a photo.
- The channel's ``fetch_file`` streams that address with the plugin API's
  capped download; the token is not sent there (the schema gives a plain URL).
- A card for the coordinators' chat: its photo uploaded (POST /uploads?type=image,
  the upload host, its ``photos`` tokens), sent with an ``inline_keyboard`` of
  ``callback`` buttons. A press comes back as ``message_callback`` with the
  card itself (MessageCallbackUpdate.message) and is answered through POST
  /answers: ``notification`` for the one who pressed, ``message`` to change the
  card ("Fill this if you want to modify current message", CallbackAnswer) —
  its text and photo (by the photo's ``token``: "Token of any existing
  attachment", PhotoAttachmentRequestPayload) kept, its buttons replaced.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from outreach.channels import Incoming, IncomingFile, Reply
from outreach_max import limits
from outreach_max.keyboards import keyboard_for

if TYPE_CHECKING:
    from outreach_max.client import Json

#: Attachments that are neither a photo, a file nor a video: kept out, politely.
OTHER = frozenset({"audio", "sticker", "share", "location"})


def message_files(body: Mapping[str, Any]) -> tuple[IncomingFile, ...]:
    """The photos, files and videos of a message's ``body`` (MessageBody.attachments)."""
    found: list[IncomingFile] = []
    for item in body.get("attachments") or []:
        kind = item.get("type") if isinstance(item, dict) else None
        payload = item.get("payload") if isinstance(item, dict) else None
        payload = payload if isinstance(payload, dict) else {}
        if kind == "image":
            unique = f"photo{payload.get('photo_id')}" if payload.get("photo_id") \
                else _hashed("photo", payload.get("url"))
            found.append(IncomingFile(str(payload.get("url") or ""), unique, "photo"))
        elif kind == "file":
            name = str(item.get("filename") or "") or None
            size = item.get("size")
            found.append(IncomingFile(
                str(payload.get("url") or ""), _hashed("file", payload.get("token") or
                                                       payload.get("url")), "document",
                size if isinstance(size, int) else None,
                mime=mimetypes.guess_type(name or "")[0], name=name))
        elif kind == "video":
            found.append(IncomingFile("", _hashed("video", payload.get("token")), "video",
                                      width=item.get("width"), height=item.get("height")))
        elif kind in OTHER:
            found.append(IncomingFile("", _hashed(str(kind), payload.get("token")), "other"))
    return tuple(found)


def _hashed(kind: str, value: object) -> str:
    """A short stable id from a token or address (neither is shown or kept whole)."""
    return f"{kind}-" + hashlib.sha256(str(value or "").encode()).hexdigest()[:24]


def callback_place(update: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(chat, message id) of the message whose button was pressed, when it is in a group
    chat (the coordinators'); (None, None) for the person's own dialog with the bot."""
    message = update.get("message") or {}
    recipient = message.get("recipient") or {}
    if recipient.get("chat_type") != "chat" or recipient.get("chat_id") is None:
        return None, None
    mid = (message.get("body") or {}).get("mid")
    return str(recipient["chat_id"]), str(mid) if mid else None


def card_body(text: str, photo: Json | None, choices: Sequence[tuple[str, str]]) -> Json:
    """A card's NewMessageBody: its text, its photo (an upload's payload) and buttons."""
    attachments: list[Json] = []
    if photo is not None:
        attachments.append({"type": "image", "payload": photo})
    keyboard = keyboard_for(Reply(text, choices=choices)) if choices else None
    if keyboard is not None:
        attachments.append(keyboard)
    body: Json = {"text": text[:limits.MAX_TEXT]}
    if attachments:
        body["attachments"] = attachments
    return body


def edited_card(card: Mapping[str, Any], choices: Sequence[tuple[str, str]]) -> Json:
    """The card (the pressed Message) with its buttons replaced by ``choices``: its text
    and photos kept, the photos by their tokens."""
    body = card.get("body") or {}
    photos = [{"type": "image", "payload": {"token": a["payload"]["token"]}}
              for a in body.get("attachments") or []
              if a.get("type") == "image" and (a.get("payload") or {}).get("token")]
    edited = card_body(body.get("text") or "", None, choices)
    # An empty list removes every attachment (schema, PUT /messages): the buttons go too.
    edited["attachments"] = [*photos, *edited.get("attachments", [])]
    return edited


def press_answer(incoming: Incoming, replies: Sequence[Reply],
                 card: Mapping[str, Any] | None, fallback: str) -> Json:
    """The CallbackAnswer to a press on a card: the first toast as the notification, the
    card changed when a reply edits it."""
    toast = next((r.text for r in replies if r.toast), None)
    answer: Json = {"notification": toast or fallback}
    edit = next((r for r in replies if r.edit), None)
    if edit is not None and card is not None and incoming.message_id is not None:
        answer["message"] = edited_card(card, edit.choices)
    return answer
