"""The board channel: each post becomes a folder on the board.

A real platform plugin talks to the platform's API here; the board is a folder,
so the example runs anywhere. What a visitor of the board does is in the
post's ``stats.json`` (``{"views": 12, "likes": 3}``), written by whoever keeps
the board: that is the engagement the channel reports.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from outreach.channels import (
    Capabilities,
    Channel,
    CheckResult,
    Engagement,
    Field,
    MediaLimits,
    PermanentError,
    Post,
    Published,
    Reconciled,
    TextLimits,
    TransientError,
    _,
)

POST_FILE = "post.md"
STATS_FILE = "stats.json"
_POST_LINK = re.compile(r"/(\d+)/post\.md$")


class BoardChannel(Channel):
    """A notice board in a folder: one subfolder per post, its text and photos."""

    plugin_name = "board"
    settings_schema = {
        "folder": Field(str, default="",
                        help="The board's folder (default: the channel's output folder)"),
    }
    # The board takes any text; a real plugin writes its platform's documented limits here.
    text_limits = TextLimits(max_text=10_000)
    media_limits = MediaLimits(max_side=1600, max_photos=4)
    capabilities = Capabilities(engagement=True, reconcile=True)

    @property
    def board(self) -> Path:
        return Path(self.settings["folder"]) if self.settings["folder"] else \
            self.context.output_dir

    def publish(self, post: Post) -> Published:
        # The publication's id names the folder: publishing again after a crash
        # writes the same post, never a second one.
        folder = self.board / str(post.publication_id)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for number, photo in enumerate(post.photos, start=1):
                shutil.copyfile(photo.path, folder / f"{number:02d}{photo.path.suffix}")
            lines = [f"# {post.title}", "", post.text]
            if post.signup_link:
                lines += ["", _("Sign up: {link}").format(link=post.signup_link)]
            (folder / POST_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
        except FileNotFoundError as exc:
            raise PermanentError(_("channel {name}: photo {file} is missing").format(
                name=self.name, file=exc.filename)) from None
        except OSError as exc:
            raise TransientError(_("channel {name}: cannot write to {folder}: {reason}").format(
                name=self.name, folder=folder, reason=exc.strerror or exc)) from None
        return self._published(folder)

    def reconcile(self, post: Post, attempted_at: dt.datetime) -> Reconciled:
        folder = self.board / str(post.publication_id)
        if (folder / POST_FILE).is_file():
            return Reconciled(exists=True, published=self._published(folder))
        return Reconciled(exists=False)

    def engagement(self, external_ids: Sequence[str]) -> list[Engagement]:
        found = []
        for external_id in external_ids:
            stats = self.board / external_id / STATS_FILE
            try:
                counts = json.loads(stats.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # nobody counted yet: unknown, never 0
            found.append(Engagement(external_id=external_id, views=counts.get("views"),
                                    likes=counts.get("likes")))
        return found

    @classmethod
    def external_id_from_url(cls, url: str) -> str | None:
        match = _POST_LINK.search(url)
        return match.group(1) if match else None

    def check(self) -> list[CheckResult]:
        try:
            self.board.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return [CheckResult(ok=False, message=_("cannot make the board's folder {folder}: "
                                                    "{reason}").format(folder=self.board,
                                                                       reason=exc.strerror),
                                fix=_("set folder in the channel's section to a folder "
                                      "you can write to"))]
        return [CheckResult(ok=True, message=_("the board is {folder}").format(
            folder=self.board))]

    def posts(self) -> list[dict[str, object]]:
        """What is on the board, oldest first: id, title, views, likes, folder."""
        rows: list[dict[str, object]] = []
        if not self.board.is_dir():
            return rows
        for folder in sorted(self.board.iterdir(), key=lambda p: (len(p.name), p.name)):
            post = folder / POST_FILE
            if not post.is_file():
                continue
            title = post.read_text(encoding="utf-8").splitlines()[0].removeprefix("# ")
            counts = self.engagement([folder.name])
            rows.append({"id": folder.name, "title": title,
                         "views": counts[0].views if counts else None,
                         "likes": counts[0].likes if counts else None,
                         "folder": str(folder)})
        return rows

    def _published(self, folder: Path) -> Published:
        return Published(external_id=folder.name, url=(folder / POST_FILE).resolve().as_uri())
