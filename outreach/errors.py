"""The project's errors: one hierarchy, turned into messages only by the CLI.

Domain code raises these; ``outreach.cli`` is the one place that catches
``OutreachError`` and prints a one-line message with a non-zero exit code.
Channel (platform) errors live here too and are re-exported by
``outreach.channels`` so plugins import one module only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from outreach.i18n import N_, _


class OutreachError(Exception):
    """A problem the user can act on; its message is shown without a traceback."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One finding of a validation: where it is and what is wrong."""

    source: str  # a file path, or "" when not tied to a file
    key: str  # dotted key ("channels.vk.group_id") or "" for the whole file
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.source
        if self.line is not None and where:
            where = f"{where}:{self.line}"
        parts = [p for p in (where, self.key) if p]
        return f"{': '.join(parts)}: {self.message}" if parts else self.message


class ValidationError(OutreachError):
    """Several problems found at once (config, campaign files, front matter)."""

    def __init__(self, problems: Iterable[Problem], summary: str = "") -> None:
        self.problems: list[Problem] = list(problems)
        self.summary = summary
        super().__init__(self._render())

    def _render(self) -> str:
        lines = [self.summary] if self.summary else []
        lines.extend(str(p) for p in self.problems)
        return "\n".join(lines)


class ConfigError(ValidationError):
    """config.toml is missing or invalid."""


class CampaignError(ValidationError):
    """A campaign file is invalid."""


class ContentError(OutreachError):
    """A story folder, its front matter or its photos cannot be used."""


class StoryFileError(ValidationError, ContentError):
    """A story.md whose front matter or body cannot be used: every problem, with its line."""


class MediaError(ContentError):
    """A photo cannot be read or turned into a rendition."""


class NotFoundError(OutreachError):
    """A story, campaign, channel or publication named by the user does not exist."""


class StateError(OutreachError):
    """An action is not allowed in the object's current state (e.g. approving without consent)."""


class StoreError(OutreachError):
    """The database cannot be opened, migrated or reached."""


class DatabaseDamaged(StoreError):
    """The database's file or schema is damaged: restore it from a backup."""


class SchemaTooNew(StoreError):
    """The database was made by a newer Outreach than this one: nothing here may touch it.

    Its own exit code, so that systemd does not restart the service over and
    over (``RestartPreventExitStatus=`` in the units, docs/deploy.md).
    """

    exit_code = 3


class PluginError(OutreachError):
    """A channel plugin failed to load or is misconfigured."""


# --- platform errors, raised by plugins, classified for the dispatcher ---


class ChannelError(OutreachError):
    """A platform refused or failed a call. The subclass says whether to retry."""


class TransientError(ChannelError):
    """Worth retrying with backoff: network errors, timeouts, 5xx, flood control."""


class RateLimitedError(TransientError):
    """The platform asked us to slow down; retry after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AuthError(ChannelError):
    """The token is missing, revoked, of the wrong type or lacks a right. Needs a person."""


class PermanentError(ChannelError):
    """The platform will not accept this publication as it is. Needs a person."""


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """' (did you mean 'x'?)' for the closest choice, or '' when none is close."""
    close = closest(word, choices)
    return _(" (did you mean '{choice}'?)").format(choice=close) if close else ""


def closest(word: str, choices: Sequence[str]) -> str | None:
    """The choice closest to a misspelt ``word``, or None when none is close."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


#: Plain words for the errors of files a person meets (``errno`` names), see ``os_reason``.
_OS_REASONS = {
    "ENOENT": N_("the file or folder does not exist"),
    "EACCES": N_("no permission to read or write it"),
    "EPERM": N_("no permission to read or write it"),
    "ENOSPC": N_("the disk is full"),
    "EDQUOT": N_("the disk space allowed to this user is used up"),
    "EROFS": N_("the disk can only be read, not written (a write-protected card or stick?)"),
    "EISDIR": N_("it is a folder, not a file"),
    "ENOTDIR": N_("a part of the path is a file, not a folder"),
    "EEXIST": N_("it already exists"),
    "ENOTEMPTY": N_("the folder is not empty"),
    "ENAMETOOLONG": N_("the name is too long"),
    "EBUSY": N_("another program is using it"),
    "EIO": N_("the disk could not be read or written (it may be damaged or unplugged)"),
    "ENODEV": N_("the disk is not connected"),
    "ENXIO": N_("the disk is not connected"),
    "EMFILE": N_("too many files are open at once; try again"),
    "ENFILE": N_("too many files are open at once; try again"),
}


def os_reason(exc: OSError) -> str:
    """Why a file could not be used, in plain words of the current language.

    "the disk is full", "no permission to read or write it"... for the
    errors a person can fix; the system's own wording for anything else.
    Name the file in the message around it: this says only why.
    """
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    if name in _OS_REASONS:
        return _(_OS_REASONS[name])
    return exc.strerror or str(exc) or type(exc).__name__
