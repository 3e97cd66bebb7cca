"""Files people send the bot, fetched to disk; cards with a photo and buttons, sent to a chat.

Bot API ``getFile``: "bots can download files of up to 20MB in size"; the file
is then at ``https://api.telegram.org/file/bot<token>/<file_path>`` (what
python-telegram-bot's ``File.file_path`` holds, with our ``base_file_url``).
The download is streamed to the target in chunks by the plugin API's
``capped_file``, so ten people's albums at once never sit in memory; the URL
carries the token and is never logged.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from outreach.channels import PermanentError, TransientError, _, capped_file

if TYPE_CHECKING:
    import telegram

    from outreach.channels import Card

#: Bot API getFile: "bots can download files of up to 20MB in size".
DOWNLOAD_LIMIT = 20 * 1024 * 1024
CHUNK = 64 * 1024


async def download(bot: telegram.Bot, file_id: str, target: Path, timeout: float) -> None:
    """Stream the file ``file_id`` into ``target``; PermanentError when Telegram will not
    give it (over 20 MB, gone), TransientError when it may next time."""
    import httpx
    from telegram import error

    try:
        found = await bot.get_file(file_id)
    except error.BadRequest as exc:  # "file is too big", "wrong file_id"
        raise PermanentError(_("Telegram will not give the file: {said}").format(
            said=exc.message)) from None
    except error.TelegramError as exc:
        raise TransientError(_("Telegram did not give the file ({error})").format(
            error=type(exc).__name__)) from None
    if found.file_size is not None and found.file_size > DOWNLOAD_LIMIT:
        raise PermanentError(_("the file is over 20 MB, more than a bot may download"))
    if not found.file_path:
        raise PermanentError(_("Telegram gave no path to download the file from"))
    try:
        async with httpx.AsyncClient(timeout=timeout) as client, \
                client.stream("GET", found.file_path) as response:
            if response.status_code != 200:
                error_type = PermanentError if response.status_code in (400, 404) \
                    else TransientError
                raise error_type(_("Telegram answered {status} to the download").format(
                    status=response.status_code))
            with capped_file(target, DOWNLOAD_LIMIT) as write:
                async for chunk in response.aiter_bytes(CHUNK):
                    write(chunk)
    except httpx.HTTPError as exc:  # its text may hold the URL, hence the token: not shown
        raise TransientError(_("downloading the file failed ({error})").format(
            error=type(exc).__name__)) from None


async def send_card(bot: telegram.Bot, chat: int | str, card: Card, parse_mode: str,
                    caption_limit: int = 1024) -> None:
    """The card as one message: its photo with the text as caption (sendPhoto, caption
    0-1024 characters) or the text alone (sendMessage), with its inline buttons."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    from outreach_telegram.text import escape

    markup = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=value)]
                                   for label, value in card.choices]) if card.choices else None
    mode = parse_mode or None
    if card.photo is not None and len(card.text) <= caption_limit:
        with card.photo.open("rb") as photo:
            await bot.send_photo(chat, photo, caption=escape(card.text, parse_mode),
                                 parse_mode=mode, reply_markup=markup)
        return
    if card.photo is not None:  # a long text goes under the photo, the buttons with it
        with card.photo.open("rb") as photo:
            await bot.send_photo(chat, photo)
    await bot.send_message(chat, escape(card.text, parse_mode), parse_mode=mode,
                           reply_markup=markup)
