"""Photo reports through the VK community bot: attachments in, files to disk, cards out.

- A message's attachments become ``IncomingFile``: a photo by its largest
  ``sizes`` entry (width × height; VK lists proportional copies s, m, x, y, z,
  w…, dev.vk.com photo-sizes), a document (``doc``: ext, size, url) as a file,
  a video as a video (VK gives a bot no video file). ``file_id`` is the
  download address VK gives in the attachment.
- The channel's ``fetch_file`` streams that address to disk with the plugin API's
  capped download (``download_file``), stopping at ``limits.DOWNLOAD_MAX``.
- A card for the coordinators' conversation: its photo uploaded for messages
  (photos.getMessagesUploadServer → POST ``photo`` → photos.saveMessagesPhoto),
  sent with an inline keyboard of ``callback`` buttons; a press comes back as a
  ``message_event`` (event_id, user_id, peer_id, payload, conversation_message_id)
  answered with messages.sendMessageEventAnswer and, after a decision, the card
  edited with messages.edit (by ``cmid``).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outreach.channels import (
    Incoming,
    IncomingFile,
    PermanentError,
    TransientError,
    _,
)
from outreach_vk import limits

if TYPE_CHECKING:
    from outreach.channels import Card, Records
    from outreach_vk.client import Client

#: Images a document may be, by its ``ext`` (VK gives no MIME type for a doc).
IMAGE_EXTS = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
              "webp": "image/webp", "gif": "image/gif", "heic": "image/heic",
              "bmp": "image/bmp", "tif": "image/tiff", "tiff": "image/tiff"}


def message_files(message: Mapping[str, Any]) -> tuple[IncomingFile, ...]:
    """The photos, documents and videos attached to a message_new's ``message``."""
    found: list[IncomingFile] = []
    for item in message.get("attachments") or []:
        kind = item.get("type") if isinstance(item, dict) else None
        body = item.get(kind) if kind else None
        if not isinstance(body, dict):
            continue
        name = f"{kind}{body.get('owner_id')}_{body.get('id')}"
        if kind == "photo":
            sizes = [s for s in body.get("sizes") or [] if isinstance(s, dict) and s.get("url")]
            if not sizes:
                continue
            best = max(sizes, key=lambda s: int(s.get("width") or 0) * int(s.get("height") or 0))
            found.append(IncomingFile(best["url"], name, "photo", None, best.get("width"),
                                      best.get("height")))
        elif kind == "doc":
            ext = str(body.get("ext") or "").lower()
            found.append(IncomingFile(str(body.get("url") or ""), name, "document",
                                      body.get("size"), mime=IMAGE_EXTS.get(ext) or (
                                          f"application/{ext}" if ext else None),
                                      name=body.get("title")))
        elif kind == "video":
            found.append(IncomingFile("", name, "video", width=body.get("width"),
                                      height=body.get("height")))
        else:  # a sticker, audio message, link...
            found.append(IncomingFile("", name, "other"))
    return tuple(found)


def event_incoming(obj: Mapping[str, Any]) -> Incoming | None:
    """A callback button's press (message_event) as an ``Incoming``; None if not ours."""
    user, peer = obj.get("user_id"), obj.get("peer_id")
    if not isinstance(user, int) or not isinstance(peer, int) or user <= 0:
        return None
    try:
        payload = json.loads(obj.get("payload") or "null")
    except (TypeError, ValueError):
        payload = None
    choice = payload.get("choice") if isinstance(payload, dict) else None
    if not isinstance(choice, str):
        return None
    cmid = obj.get("conversation_message_id")
    return Incoming(person=str(user), choice=choice,
                    chat=str(peer) if peer != user else None,
                    message_id=str(cmid) if cmid is not None else None,
                    event=str(obj.get("event_id") or "") or None)


def callback_keyboard(choices: Sequence[tuple[str, str]]) -> str:
    """An inline keyboard of callback buttons, one a row (at most 6 rows, 10 buttons)."""
    rows = []
    for label, value in list(choices)[:limits.INLINE_MAX_ROWS]:
        text = " ".join(label.split())[:limits.KEYBOARD_LABEL_MAX] or "—"
        payload = json.dumps({"choice": value}, ensure_ascii=False)
        if len(payload) > limits.KEYBOARD_PAYLOAD_MAX:
            raise ValueError(f"a button's value is too long for VK: {value[:40]}")
        rows.append([{"action": {"type": "callback", "label": text, "payload": payload}}])
    return json.dumps({"inline": True, "buttons": rows}, ensure_ascii=False)


def card_key(peer: int, cmid: object) -> str:
    return f"vk-card:{peer}:{cmid}"


def send_card(client: Client, peer: int, card: Card, pieces: Sequence[str],
              records: Records) -> None:
    """The card as one message in ``peer``: its photo, text (``pieces``: the text cut to
    VK's length) and callback buttons.

    What was sent is noted by (peer, conversation_message_id), so the card can
    be edited later with its text and photo kept (messages.edit replaces them).
    """
    attachment = upload_photo(client, peer, card.photo) if card.photo is not None else ""
    first = secrets.randbits(31) or 1
    for number, piece in enumerate(pieces[:-1]):  # a long text: its start first
        client.call("messages.send", {"peer_id": peer, "message": piece,
                                      "random_id": first + number})
    values: dict[str, Any] = {"peer_ids": peer, "message": pieces[-1],
                              "random_id": first + len(pieces)}
    if attachment:
        values["attachment"] = attachment
    if card.choices:
        values["keyboard"] = callback_keyboard(card.choices)
    answer = client.call("messages.send", values)
    sent = answer[0] if isinstance(answer, list) and answer else {}
    if isinstance(sent, dict) and sent.get("conversation_message_id"):
        records.put(card_key(peer, sent["conversation_message_id"]),
                    {"message": pieces[-1], "attachment": attachment})


def upload_photo(client: Client, peer: int, path: Path) -> str:
    """``path`` uploaded for a message to ``peer``: its ``photo<owner>_<id>``."""
    import requests

    server = client.call("photos.getMessagesUploadServer", {"peer_id": peer})
    try:
        with path.open("rb") as file:
            reply = client.session.post(server["upload_url"],
                                        files={limits.UPLOAD_FIELD: (path.name, file)})
        reply.raise_for_status()
        uploaded = reply.json()
    except (requests.RequestException, ValueError) as exc:
        raise TransientError(_("uploading the card's photo to VK failed ({error})").format(
            error=type(exc).__name__)) from None
    if not uploaded.get("photo") or uploaded.get("photo") == "[]":
        raise PermanentError(_("VK did not accept the card's photo ({why})").format(
            why=uploaded.get("error") or "—"))
    saved = client.call("photos.saveMessagesPhoto", {
        "server": uploaded["server"], "photo": uploaded["photo"], "hash": uploaded["hash"]})[0]
    return f"photo{saved['owner_id']}_{saved['id']}" + (
        f"_{saved['access_key']}" if saved.get("access_key") else "")


def answer_press(client: Client, incoming: Incoming, peer: int, text: str | None) -> None:
    """messages.sendMessageEventAnswer: the spinner stops; ``text`` as a snackbar."""
    values: dict[str, Any] = {"event_id": incoming.event, "user_id": int(incoming.person),
                              "peer_id": peer}
    if text:
        short = text if len(text) <= limits.SNACKBAR_MAX else \
            text[:limits.SNACKBAR_MAX - 1].rstrip() + "…"
        values["event_data"] = json.dumps({"type": "show_snackbar", "text": short},
                                          ensure_ascii=False)
    client.call("messages.sendMessageEventAnswer", values)


def edit_card(client: Client, peer: int, cmid: str, choices: Sequence[tuple[str, str]],
              records: Records) -> None:
    """The card's buttons replaced by ``choices`` (none: taken away), its text and photo
    kept as they were sent (messages.edit by ``cmid``)."""
    sent = records.get(card_key(peer, cmid)) or {}
    values: dict[str, Any] = {"peer_id": peer, "cmid": int(cmid)}
    if sent.get("message"):
        values["message"] = sent["message"]
    if sent.get("attachment"):
        values["attachment"] = sent["attachment"]
    if choices:
        values["keyboard"] = callback_keyboard(choices)
    client.call("messages.edit", values)
