"""systemd units for a centre's server: the service, and a timer for the nightly backup.

The units are package data (templates beside this module, ``${name}`` for
what ``units`` fills in), so an installed wheel writes them as a checkout
does. ``outreach deploy systemd`` writes them; docs/deploy.md says where
they go.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from string import Template

from outreach.engine.service import STOP_GRACE
from outreach.errors import SchemaTooNew

UNITS = ("outreach.service", "outreach-backup.service", "outreach-backup.timer")
#: The service as a template for several workers on one PostgreSQL database:
#: ``outreach@1.service``, ``outreach@2.service``... (its text is outreach.service's).
TEMPLATE = "outreach@.service"
#: Where the tokens go: read by systemd as root, so only root may read the file.
ENV_FILE = Path("/etc/outreach/outreach.env")
#: Beyond the calls in flight: stopping the sign-up bots and letting the store go.
STOP_MARGIN = 25
BACKUP_TIME = "03:15:00"
KEEP_BACKUPS = 14


@dataclass(frozen=True)
class Setup:
    """One centre's server: who runs the service, where its folder is, what it runs."""

    user: str
    folder: Path  # the working folder (config.toml, media, output, the SQLite database)
    outreach: Path  # the installed ``outreach`` command
    env_file: Path = ENV_FILE
    postgresql: bool = False  # the database is a PostgreSQL server on this machine
    extra_writable: tuple[Path, ...] = ()  # folders of config.toml outside ``folder``
    workers: int = 1  # more than one: the template unit, one instance per worker

    @property
    def backups(self) -> Path:
        return self.folder / "backups"


def stop_timeout() -> int:
    """TimeoutStopSec: the service's own grace for calls in flight, and a margin."""
    return math.ceil(STOP_GRACE) + STOP_MARGIN


def units(setup: Setup) -> dict[str, str]:
    """Each unit's file name and text: ``outreach.service``, or for several workers
    ``outreach@.service``, whose instance name is the worker's name."""
    writable = [setup.folder, *(p for p in setup.extra_writable
                                if not p.is_relative_to(setup.folder))]
    values = {
        "user": setup.user, "group": setup.user, "dir": str(setup.folder),
        "config": str(setup.folder / "config.toml"), "env_file": str(setup.env_file),
        "outreach": str(setup.outreach), "grace": f"{STOP_GRACE:g}",
        "stop_timeout": str(stop_timeout()), "writable": " ".join(map(str, writable)),
        "after": " postgresql.service" if setup.postgresql else "",
        "backups": str(setup.backups), "keep": str(KEEP_BACKUPS),
        "backup_time": BACKUP_TIME, "too_new": str(SchemaTooNew.exit_code),
        "instance": "", "worker": "", "template": "",
    }
    if setup.workers > 1:
        values.update(instance=" (worker %i)", worker=" --worker %H:%i", template=(
            "\n# A template: `systemctl enable --now outreach@1 outreach@2` starts two "
            "workers,\n# each named by its instance (outreach status lists them)."))
    folder = files(__name__)
    return {(TEMPLATE if name == UNITS[0] and setup.workers > 1 else name):
            Template(folder.joinpath(name).read_text(encoding="utf-8")).substitute(values)
            for name in UNITS}


def env_template(variables: list[str]) -> str:
    """The environment file's text: one line per token variable config.toml names."""
    lines = ["# Outreach's tokens (one NAME=value a line). Keep this file mode 0600, owner root.",
             "# systemd reads it for outreach.service; never copy it into a backup or a chat."]
    lines += [f"{name}=" for name in variables]
    return "\n".join(lines) + "\n"
