"""The local-media channel: a press kit folder per publication, for print and radio.

Nothing goes over the network: "publishing" writes a kit that a volunteer
takes to the newspaper, the radio or the pension-fund office. Photos arrive
already fitted to ``media_limits`` (print size, EXIF stripped) by the core.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from outreach.channels import (
    Capabilities,
    Channel,
    ChannelContext,
    CheckResult,
    Field,
    MediaLimits,
    PermanentError,
    Post,
    Published,
    Reconciled,
    TextLimits,
    TransientError,
)
from outreach_local_media.presskit import find_kit, write_kit


class LocalMediaChannel(Channel):
    """Writes press kits (release, photos with captions and credits, manifest)."""

    plugin_name = "local-media"
    settings_schema = {
        "output_dir": Field(str, default=None,
                            help="Where kits go; relative to paths.output "
                                 "(default: a folder named after the channel there)"),
        "outlets": Field(list, items=str, default=[],
                         help="Newspapers, radio stations, offices the kits are for"),
    }
    # A press release has room; print wants large photos (about A4 at 300 dpi).
    text_limits = TextLimits(max_text=20_000)
    media_limits = MediaLimits(max_side=4000, max_bytes=20 * 1024 * 1024, formats=("JPEG",),
                               max_photos=20, quality=92)
    capabilities = Capabilities(reconcile=True)

    def __init__(self, context: ChannelContext, settings: Mapping[str, Any]) -> None:
        super().__init__(context, settings)
        chosen = self.settings.get("output_dir")
        # context.output_dir is <paths.output>/<channel name>.
        self.root: Path = (context.output_dir.parent / Path(chosen).expanduser()
                           if chosen else context.output_dir)
        self.outlets: list[str] = list(self.settings.get("outlets") or [])

    def publish(self, post: Post) -> Published:
        try:
            kit = write_kit(self.root, post, self.context.centre, self.outlets)
        except FileNotFoundError as exc:
            raise PermanentError(
                f"channel {self.name}: photo {exc.filename} is missing; "
                "the press kit was not written") from None
        except OSError as exc:
            # A full disk or an unplugged USB stick may come back: worth retrying.
            raise TransientError(
                f"channel {self.name}: cannot write the press kit in {self.root}: "
                f"{exc.strerror or exc}") from None
        return _published(kit.folder)

    def reconcile(self, post: Post, attempted_at: dt.datetime) -> Reconciled:
        kit = find_kit(self.root, post.publication_id, post.idempotency_key)
        if kit is None:
            return Reconciled(exists=False)
        return Reconciled(exists=True, published=_published(kit.folder))

    def check(self) -> list[CheckResult]:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.root, prefix=".check-"):
                pass
        except OSError as exc:
            return [CheckResult(
                ok=False,
                message=f"cannot write press kits in {self.root}: {exc.strerror or exc}",
                fix="make the folder writable, or set output_dir to a folder that is",
            )]
        free = _free_megabytes(self.root)
        return [CheckResult(ok=True, message=f"press kits go to {self.root} ({free} MB free)")]


def _published(folder: Path) -> Published:
    return Published(external_id=folder.name, url=folder.resolve().as_uri())


def _free_megabytes(path: Path) -> int:
    stat = os.statvfs(path)
    return stat.f_bavail * stat.f_frsize // (1024 * 1024)
