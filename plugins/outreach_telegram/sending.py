"""Sending one post as Telegram messages: text, a photo with caption, or an album."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import telegram

    from outreach_telegram.channel import TelegramChannel


async def send_post(channel: TelegramChannel, bot: telegram.Bot, text: str,
                    photos: list[tuple[str, bytes]], as_caption: bool,
                    silent: bool) -> list[telegram.Message]:
    """The messages of the post, the first one being the post's address.

    ``text`` is already escaped for the channel's parse mode. With photos and
    ``as_caption`` false the photos go first without a caption and the text
    follows as a reply to the first of them.
    """
    from telegram import InputMediaPhoto

    chat, mode = channel.chat, channel.parse_mode or None
    common = {"disable_notification": silent}
    if not photos:
        message = await channel.paced(1, lambda: bot.send_message(
            chat, text, parse_mode=mode, **common))
        return [message]
    caption = text if as_caption else None
    if len(photos) == 1:
        name, data = photos[0]
        sent = [await channel.paced(1, lambda: bot.send_photo(
            chat, data, caption=caption, parse_mode=mode if caption else None,
            filename=name, **common))]
    else:
        media = [InputMediaPhoto(data, caption=caption if index == 0 else None,
                                 parse_mode=mode if caption and index == 0 else None,
                                 filename=name)
                 for index, (name, data) in enumerate(photos)]
        sent = list(await channel.paced(len(media), lambda: bot.send_media_group(
            chat, media, **common)))
    if caption is None and text.strip():
        first = sent[0].message_id
        try:
            reply = await channel.paced(1, lambda: bot.send_message(
                chat, text, parse_mode=mode, reply_to_message_id=first, **common))
        except Exception as exc:  # the photos are out: report, never post them twice
            channel.context.logger.warning(
                "channel %s: the photos were posted (message %s) but the text after them "
                "was not: %s; post the text by hand", channel.name, first, exc)
        else:
            sent.append(reply)
    return sent
