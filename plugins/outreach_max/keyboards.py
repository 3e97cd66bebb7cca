"""The bot's buttons: an inline keyboard (schema, InlineKeyboardAttachmentRequest) for a reply."""

from __future__ import annotations

from typing import TYPE_CHECKING

from outreach.channels import Reply, _
from outreach_max import limits

if TYPE_CHECKING:
    from outreach_max.client import Json


def keyboard_for(reply: Reply) -> Json | None:
    """An inline keyboard (schema, InlineKeyboardAttachmentRequest) for ``reply``: a callback
    button per choice, or a ``request_contact`` button; None when it needs none."""
    rows: list[list[Json]] = []
    if reply.ask_contact:
        rows.append([{"type": "request_contact", "text": _label(_("Share my phone number"))}])
    items = list(reply.choices)
    if len(items) > limits.KEYBOARD_MAX_BUTTONS:  # keep the last ("other") one
        items = items[:limits.KEYBOARD_MAX_BUTTONS - 1] + items[-1:]
    columns = 1 if len(items) <= 6 else 2
    for index, (label, value) in enumerate(items):
        if index % columns == 0:
            rows.append([])
        rows[-1].append({"type": "callback", "text": _label(label),
                         "payload": value[:limits.CALLBACK_PAYLOAD_MAX]})
    return {"type": "inline_keyboard", "payload": {"buttons": rows}} if rows else None


def _label(text: str) -> str:
    text = " ".join(text.split()) or "—"
    if len(text) <= limits.BUTTON_TEXT_MAX:
        return text
    return text[:limits.BUTTON_TEXT_MAX - 1].rstrip() + "…"
