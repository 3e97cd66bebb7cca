"""Files people send the bots, streamed to disk with a cap: the plugins' shared download.

A reporter's album is ten photos, and ten reporters may send at once: a file
is written chunk by chunk, never held whole in memory, and stops at the
platform's limit, leaving nothing behind. ``capped_file`` is the writing half
(any client, sync or async, feeds it chunks); ``download`` is the whole fetch
over ``requests`` for platforms that give a plain address (VK, MAX). Plugins
reach both through ``outreach.channels``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.errors import PermanentError, TransientError
from outreach.i18n import _

if TYPE_CHECKING:
    import requests

CHUNK = 64 * 1024
#: Answers to a download that mean the file will not come however often it is asked for.
GONE = frozenset({400, 403, 404, 410})


def too_big(limit: int) -> str:
    """Why a file over ``limit`` bytes was not taken, in the reader's words."""
    return _("the file is over {size} MB, more than the bot takes").format(
        size=limit // (1024 * 1024))


@contextlib.contextmanager
def capped_file(target: Path, limit: int) -> Iterator[Callable[[bytes], None]]:
    """A writer of chunks into ``target`` that raises PermanentError past ``limit`` bytes.

    On any error (the cap, the network, a stop) the partial file is removed.
    """
    written = 0
    try:
        with target.open("wb") as out:

            def write(chunk: bytes) -> None:
                nonlocal written
                written += len(chunk)
                if written > limit:
                    raise PermanentError(too_big(limit))
                out.write(chunk)

            yield write
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise


def download(session: requests.Session, url: str, target: Path, *, limit: int,
             timeout: float, platform: str,
             headers: Mapping[str, str] | None = None) -> None:
    """Stream ``url`` into ``target`` (at most ``limit`` bytes).

    PermanentError when ``platform`` will not give the file (gone, refused, over
    the limit), TransientError when it may next time. The address is never shown:
    it may carry a key.
    """
    import requests

    if not url:
        raise PermanentError(_("{platform} gives a bot no file for this attachment").format(
            platform=platform))
    try:
        with session.get(url, stream=True, timeout=timeout, headers=dict(headers or {})) \
                as response:
            if response.status_code != 200:
                error = PermanentError if response.status_code in GONE else TransientError
                raise error(_("{platform} answered {status} to the download").format(
                    platform=platform, status=response.status_code))
            with capped_file(target, limit) as write:
                for chunk in response.iter_content(CHUNK):
                    write(chunk)
    except requests.RequestException as exc:
        raise TransientError(_("downloading the file failed ({error})").format(
            error=type(exc).__name__)) from None
