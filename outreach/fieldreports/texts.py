"""What the report bot says, in the reader's language (written in English, translated).

Short sentences for people of 55 and over at an event with a phone in hand:
one question at a time, buttons wherever the choice is finite.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from outreach.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from outreach.config import Config

# Button values: the dialog's ("r:…") and the coordinators' ("c:<act>:<id>"). They are
# nobody's typed answer, and a value a step did not offer is read as nothing.
DONE, CANCEL = "r:done", "r:cancel"
KEEP_TITLE, TODAY, YESTERDAY, OTHER_DATE = "r:title", "r:today", "r:yesterday", "r:date"
OWN_PLACE, OTHER_PLACE = "r:own", "r:other"
PHOTO_REPORT, STORY = "r:photo-report", "r:story"
YES, NO = "r:yes", "r:no"
APPROVE, REJECT, MORE = "approve", "reject", "more"
CONSENT = "consent"  # consent obtained after the report was sent
POSTED, NOT_POSTED, RETRY = "posted", "not-posted", "retry"
BACK = "back"  # a coordinator steps back from a question (a rejection's reason, a link)


def coordinator_value(act: str, number: int) -> str:
    return f"c:{act}:{number}"




#: A platform's name for people, for a channel whose config gives no ``title``.
PLATFORMS = {"vk": N_("VK"), "telegram": N_("Telegram"), "max": N_("MAX"),
             "ok": N_("Odnoklassniki"), "local-media": N_("local media")}


def channel_title(config: Config, channel: str) -> str:
    """A channel as people know it: its ``title`` in config.toml, else its platform's name
    (never the config name, such as "tg", which only the configuration knows)."""
    section = config.channels.get(channel)
    if section is None:
        return channel
    if section.title:
        return section.title
    platform = PLATFORMS.get(section.plugin)
    return _(platform) if platform else channel


def greeting(name: str | None, coordinator: bool) -> str:
    hello = _("Hello, {name}!").format(name=name) if name else _("Hello!")
    if coordinator:
        return hello + " " + _(
            "You are a coordinator now: new reports will come to the coordinators' chat with "
            "buttons to approve or reject them. You can send photo reports here too.")
    return hello + " " + _(
        "You can now send photo reports from events. Just send 1 to 10 photos here — as an "
        "album or one by one — and I will ask a few short questions.")


def how_to() -> str:
    return _("To send a report, send 1 to 10 photos from the event here. To stop a report "
             "you have begun, write “cancel”.")


def photos_received(count: int, limit: int) -> str:
    got = ngettext("I have {count} photo.", "I have {count} photos.", count).format(count=count)
    if count >= limit:
        return got + " " + _("That is the most one report takes. Press “Done”.")
    return got + " " + _("Send more (up to {limit} in all), or press “Done” when that is "
                         "all.").format(limit=limit)


def back_button() -> tuple[str, str]:
    """The "Cancel" button under a question to a coordinator (typing "cancel" works too)."""
    return _("Cancel"), coordinator_value(BACK, 0)


def done_button() -> str:
    return _("✅ Done")


def cancel_button() -> str:
    return _("Cancel the report")
